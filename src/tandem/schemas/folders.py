"""Sub-folders of a project (issue 15) — derived from the domain's dataclass."""

from __future__ import annotations

from tandem.domain.folders import Folder
from tandem.schemas.derive import derive

FolderOut = derive(Folder, "Folder")
FolderCreate = derive(Folder, "FolderCreate", write="create", required=("name",))
FolderPatch = derive(Folder, "FolderPatch", write="patch")
