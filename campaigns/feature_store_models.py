"""The matching feature store's tables: one build of the feature matrix, and its compact arrays."""

from __future__ import annotations

from django.db import models


class FeatureStore(models.Model):
    """One build of the matching feature matrix (campaigns/matching/store.py), stored compactly.

    `through` is the last influencers.FeatureChange the build includes: a reader patches the rows of
    later changes, or falls back to the live loader; it never serves an older matrix as current.
    `layout` fingerprints the vocabularies the columns are indexed by (platforms, countries, …).
    """

    through = models.BigIntegerField(db_index=True)
    layout = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    niches = models.JSONField(default=list)  # [[id, name, slug], …] in column order
    build_ms = models.PositiveIntegerField(default=0)
    bytes = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"feature store {self.pk} (through change {self.through}, {self.rows} rows)"


class FeatureStoreColumn(models.Model):
    """One array of a FeatureStore: compact dtype, zlib-compressed bytes."""

    store = models.ForeignKey(FeatureStore, on_delete=models.CASCADE, related_name="columns")
    name = models.CharField(max_length=40)
    dtype = models.CharField(max_length=16)  # numpy dtype of the stored bytes
    shape = models.JSONField()
    encoding = models.CharField(max_length=32)  # how to turn the stored array back into the Features one
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "name"], name="featurestorecolumn_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} of store {self.store_id}"
