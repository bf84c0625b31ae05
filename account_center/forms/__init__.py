"""The pages' forms, one module per capability (:mod:`.profile`, :mod:`.identifiers`,
:mod:`.password`, :mod:`.mfa`, :mod:`.tokens`, :mod:`.deletion`, :mod:`.step_up`) on
:mod:`.base`. They check input only; the flows do the work."""
