"""Reading minutes that come from outside: a DOCX (checked before parsing, by
:mod:`rida.compte_rendu.reading.upload_check`) or a ``rida/1`` document
(:mod:`rida.compte_rendu.reading.incoming` tells them apart)."""
