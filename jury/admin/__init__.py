"""The jury's screens in the admin, one module a screen (docs/DESIGN.md says where the admin
ends and plain views would begin)."""

from jury.admin import (  # noqa: F401  (registers them)
    calibration,
    feedback,
    finalists,
    invitations,
    meeting,
    panel,
    ranking,
    scoring,
)
