# Written by the build from package.json's version: edit that, not this.
__version__ = "0.1.0"
