"""Reading a compte-rendu someone hands in (rida/1 JSON or DOCX) back into a document."""
