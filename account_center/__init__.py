"""A self-service account center for Django sites that sign users in with Logto."""
