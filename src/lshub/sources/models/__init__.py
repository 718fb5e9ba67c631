from .staging import StagedRecord, StagedStatus
from .trials import Trial, TrialSite, TrialSponsor

__all__ = ["StagedRecord", "StagedStatus", "Trial", "TrialSite", "TrialSponsor"]
