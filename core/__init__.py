"""The delta-rule engine: pure NumPy, no web imports. See ``core.backprop`` for the notation."""

from core.activations import ACTIVATIONS, Activation, get_activation, max_slope
from core.backprop import backprop
from core.check import StepCheck, check_step
from core.config import ConfigError, TrainerConfig
from core.datasets import SET_NAMES, Dataset, SampleSet, dataset_names, load_dataset
from core.history import History, SetErrors
from core.losses import LOSSES, Loss, get_loss
from core.records import BackpropRecord, LayerRecord, SampleRecord, StepRecord
from core.regions import DecisionRegions, decision_regions
from core.sampling import Sampling
from core.trainer import DivergedError, Trainer

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "SET_NAMES",
    "Activation",
    "BackpropRecord",
    "ConfigError",
    "Dataset",
    "DecisionRegions",
    "DivergedError",
    "History",
    "LayerRecord",
    "Loss",
    "SampleRecord",
    "SampleSet",
    "Sampling",
    "SetErrors",
    "StepCheck",
    "StepRecord",
    "Trainer",
    "TrainerConfig",
    "backprop",
    "check_step",
    "dataset_names",
    "decision_regions",
    "get_activation",
    "get_loss",
    "load_dataset",
    "max_slope",
]
