"""Business logic, one module per capability. Views and forms call flows; flows call the client."""
