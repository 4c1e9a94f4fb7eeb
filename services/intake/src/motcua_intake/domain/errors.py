"""Domain errors: every refusal carries a machine code, a message and the offending field.

``kind`` tells the HTTP layer how to answer without the domain knowing about HTTP:
``invalid`` → 422, ``not_found`` → 404, ``conflict`` → 409 (the command is valid but the
dossier's current state forbids it).
"""

from __future__ import annotations

from typing import Any, ClassVar

from motcua_platform.errors import Refusal, RefusalKind


class DomainError(Refusal):
    """A rule of the domain refused a command or a value."""


class NotFound(DomainError):
    """A referenced thing (procedure, unit, citizen) does not exist."""

    kind: ClassVar[RefusalKind] = "not_found"


class Conflict(DomainError):
    """The command is well-formed but the current state forbids it."""

    kind: ClassVar[RefusalKind] = "conflict"


class UnknownProcedure(NotFound):
    def __init__(self, procedure_code: str) -> None:
        super().__init__(
            "unknown_procedure",
            f"no procedure (thủ tục hành chính) with code {procedure_code!r}",
            field="procedure_code",
        )
        self.procedure_code = procedure_code


class ProcedureNotInForce(DomainError):
    def __init__(self, procedure_code: str, message: str) -> None:
        super().__init__("procedure_not_in_force", message, field="procedure_code")
        self.procedure_code = procedure_code


class UnknownUnit(NotFound):
    def __init__(self, unit_code: str, field: str = "unit") -> None:
        super().__init__(
            "unknown_unit", f"no administrative unit with agency code {unit_code!r}", field=field
        )
        self.unit_code = unit_code


class RoutingFailed(DomainError):
    """The competent unit cannot be determined from what is known (dispatch queue case)."""

    def __init__(self, message: str, field: str = "competent_unit") -> None:
        super().__init__("competent_unit_undetermined", message, field=field)


class ApplicantIncomplete(DomainError):
    """The applicant data cannot be completed from the registry or earlier dossiers."""

    def __init__(self, missing: list[str]) -> None:
        fields = ", ".join(missing)
        super().__init__(
            "applicant_incomplete",
            "the citizen is not in the population registry and has no earlier dossier "
            f"providing these fields, so they must be typed in: {fields}",
            field="applicant",
            details={"missing": missing},
        )
        self.missing = missing


class InvalidApplicant(DomainError):
    def __init__(self, message: str, field: str = "applicant") -> None:
        super().__init__("invalid_applicant", message, field=field)


class InvalidDossierCode(DomainError):
    def __init__(self, value: str, reason: str) -> None:
        super().__init__("invalid_dossier_code", f"{value!r}: {reason}", field="code")


class UnknownComponent(DomainError):
    def __init__(self, component: str, procedure_code: str, field: str = "documents") -> None:
        super().__init__(
            "unknown_component",
            f"procedure {procedure_code} has no component (thành phần hồ sơ) {component!r}",
            field=field,
        )
        self.component = component


class IncompleteDossier(DomainError):
    """Hồ sơ chưa đầy đủ, hợp lệ: required components missing or in a form not accepted."""

    def __init__(self, missing: list[Any]) -> None:
        listed = "; ".join(f"{item.component}: {item.reason}" for item in missing)
        super().__init__(
            "incomplete_dossier",
            f"the dossier is not complete: {listed}",
            field="documents",
            details={"missing": [item.to_dict() for item in missing]},
        )
        self.missing = missing

    @property
    def missing_components(self) -> list[str]:
        return [item.component for item in self.missing]


class ReasonRequired(DomainError):
    def __init__(self, field: str = "reasons", what: str = "this decision") -> None:
        super().__init__("reason_required", f"{what} needs a stated reason", field=field)


class ChannelNotOffered(DomainError):
    def __init__(self, procedure_code: str, channel: str) -> None:
        super().__init__(
            "channel_not_offered",
            f"procedure {procedure_code} cannot be submitted through the {channel} channel",
            field="channel",
        )


class OnTheSpotNotAllowed(DomainError):
    def __init__(self, procedure_code: str) -> None:
        super().__init__(
            "on_the_spot_not_allowed",
            f"procedure {procedure_code} is not resolved on the same day, so it cannot be "
            "resolved on the spot without an appointment (cán bộ không hẹn)",
            field="resolve_on_the_spot",
        )


class UnknownExemption(DomainError):
    def __init__(self, exemption: str, procedure_code: str) -> None:
        super().__init__(
            "unknown_fee_exemption",
            f"procedure {procedure_code} has no fee exemption {exemption!r}",
            field="fee_exemptions",
        )


class InvalidStatus(Conflict):
    """The dossier's status does not allow the command (e.g. accepting a refused dossier)."""

    def __init__(self, command: str, status: Any, allowed: str) -> None:
        super().__init__(
            "invalid_status",
            f"cannot {command} a dossier in status {int(status)} ({status.label}); "
            f"allowed only {allowed}",
            field="status",
            details={"status": int(status), "command": command},
        )


class WithdrawalNotAllowed(Conflict):
    def __init__(self, status: Any) -> None:
        super().__init__(
            "withdrawal_not_allowed",
            f"a dossier in status {int(status)} ({status.label}) can no longer be withdrawn",
            field="status",
            details={"status": int(status)},
        )


class UnknownDossier(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__("unknown_dossier", f"no dossier with code {code!r}", field="code")
        self.dossier_code = code


class UnknownCitizen(NotFound):
    def __init__(self) -> None:
        super().__init__(
            "unknown_citizen",
            "the personal ID number is in neither the population registry nor an earlier "
            "dossier; the citizen's details must be typed in",
            field="personal_id",
        )
