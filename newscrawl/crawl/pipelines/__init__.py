"""Item pipelines, one job each, in this order: validate, dedupe (they never change a record's
text: that is extraction's, in newscrawl/extract/)."""
