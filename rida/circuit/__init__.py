"""The validation circuit of a compte-rendu: checks, frozen versions, their differences and
the files a version is exported to."""
