"""The live workshop: what the room sees while the rapporteur types (the live view of a
meeting, its change stream, the room links for a projector without an account)."""
