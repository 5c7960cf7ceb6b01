"""People and their roles, managed in the site by register admins (/people/).

An app of its own because deactivating someone lists what they lead (commitments and
risks) for reassignment: it reads the domain apps, which riskreg (the site) must not.
"""
