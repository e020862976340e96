"""Small helpers with no knowledge of the domain: atomic writes, a cache, spreadsheet
cells, URL-style arguments."""
