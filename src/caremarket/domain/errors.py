"""What can go wrong, in the users' words. Each message is fit to show to a person."""


class DomainError(Exception):
    """A rule of the market was broken."""


class NotFound(DomainError):
    """Something asked for by its identifier does not exist (or is not yours to see)."""


class InvalidPostcode(DomainError):
    pass


class UnknownPostcode(DomainError):
    """A well-formed postcode that no zone covers, or that the gazetteer does not hold."""


class InvalidNhsNumber(DomainError):
    pass


class InvalidCqcLocationId(DomainError):
    pass


class SharesDoNotAddUp(DomainError):
    """Pooled-budget or funding shares must sum to exactly 100%."""


class ZonesOverlap(DomainError):
    pass


class InvalidVisitPattern(DomainError):
    pass


class NoRate(DomainError):
    """No rate card line prices this service on this date."""


class InvalidLot(DomainError):
    pass


class InvalidMembership(DomainError):
    pass
