"""Layer 3, proposals: a new review's text read into a draft in our data conventions (figures with their units,
qualifiers and quotes; names resolved through the NBS code list), for a person to accept."""
