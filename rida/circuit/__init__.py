"""The validation circuit of a compte-rendu: draft → review → validated.

- :mod:`rida.circuit.validation`: the checks run before validating;
- :mod:`rida.circuit.versions`: the frozen versions (rida/1 source and DOCX bytes);
- :mod:`rida.circuit.version_diff`: what changed between two versions;
- :mod:`rida.circuit.files`: the files people download (frozen when validated).
"""
