"""The explorer's request error, shared by the endpoints and the upload reader."""


class BadRequest(ValueError):
    """Invalid query parameter or upload -> 400 JSON ``{"error": ...}``."""
