"""Routes of the issues feature."""
from flask import Blueprint

bp = Blueprint("issues", __name__, template_folder="templates")
