"""The delta-rule engine: pure NumPy, no web imports. See ``core.trainer`` for the notation."""

from core.activations import ACTIVATIONS, Activation, get_activation, max_slope
from core.config import ConfigError, TrainerConfig
from core.datasets import SET_NAMES, Dataset, SampleSet, dataset_names, load_dataset
from core.history import History, SetErrors
from core.records import LayerRecord, SampleRecord, StepRecord
from core.regions import DecisionRegions, decision_regions
from core.sampling import Sampling
from core.trainer import DivergedError, Trainer

__all__ = [
    "ACTIVATIONS",
    "SET_NAMES",
    "Activation",
    "ConfigError",
    "Dataset",
    "DecisionRegions",
    "DivergedError",
    "History",
    "LayerRecord",
    "SampleRecord",
    "SampleSet",
    "Sampling",
    "SetErrors",
    "StepRecord",
    "Trainer",
    "TrainerConfig",
    "dataset_names",
    "decision_regions",
    "get_activation",
    "load_dataset",
    "max_slope",
]
