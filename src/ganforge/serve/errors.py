"""The explorer's request error, shared by the endpoints and the upload reader, and the JSON
error answers every explorer app gives."""
from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException


class BadRequest(ValueError):
    """Invalid query parameter or upload -> 400 JSON ``{"error": ...}``."""


def json_errors(app: Flask) -> None:
    """Answer BadRequest with 400 and any HTTP error with its code, as ``{"error": ...}``."""

    @app.errorhandler(BadRequest)
    def _bad(err):
        return jsonify(error=str(err)), 400

    @app.errorhandler(HTTPException)
    def _http(err):
        return jsonify(error=err.description or err.name), err.code
