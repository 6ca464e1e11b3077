"""Route dependencies: the wired service, the caller's tenant by scope, cursors."""

# No "from __future__ import annotations": FastAPI must see the closure's Depends(require(scope)).
import logging
from typing import Annotated

from fastapi import Depends, Request

from distribution.bootstrap import Distribution
from newsroom_shared.http.pagination import cursor_str as cursor_str
from newsroom_shared.http.tenancy import AdminTenant as AdminTenant
from newsroom_shared.http.tenancy import EditorTenant as EditorTenant
from newsroom_shared.http.tenancy import ViewerTenant as ViewerTenant

logger = logging.getLogger(__name__)


def _distribution(request: Request) -> Distribution:
    distribution: Distribution = request.app.state.distribution
    return distribution


DistributionDep = Annotated[Distribution, Depends(_distribution)]
