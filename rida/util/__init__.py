"""Small helpers with no knowledge of the domain: atomic files, an LRU cache, spreadsheet
cells, URL-style arguments."""
