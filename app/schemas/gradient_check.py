"""A step checked numerically: the engine's delta and update beside central differences of E."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.schemas.sessions import NULL, Matrix, Vector


class LayerCheck(BaseModel):
    """One layer: vectors have one entry per unit, matrices (n_out, n_in + 1)."""

    delta: Vector = Field(description="The engine's delta = −∂E/∂net (the chain rule)." + NULL)
    numerical_delta: Vector = Field(
        description="−∂E/∂net by central differences: each net nudged by ±epsilon, the rest "
        "fed forward." + NULL
    )
    weight_update: Matrix = Field(description="The engine's −η ∂E/∂W." + NULL)
    numerical_weight_update: Matrix = Field(
        description="−η ∂E/∂W by central differences: each weight nudged by ±epsilon." + NULL
    )
    max_relative_difference: float | None = Field(
        description="The largest |engine − numerical| / max(|engine|, |numerical|, 1e-8) over "
        "the layer's delta and update." + NULL
    )


class GradientCheck(BaseModel):
    """The session's last step, recomputed from its weights before and its sample."""

    step: int = Field(description="The step checked.")
    epsilon: float = Field(description="The nudge of the central differences.")
    layers: list[LayerCheck] = Field(description="The layers from input to output.")
