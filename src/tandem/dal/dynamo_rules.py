"""PynamoDB repos for rules and macros: their definition as a document, a rule's run outcome beside it."""
from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import UpdateError

from tandem.dal.dynamo_base import DynamoEntityRepo
from tandem.dal.rule_codec import macro_document, macro_from_document, rule_document, rule_from_document
from tandem.dal.table import Record
from tandem.domain.rules import Macro, Rule


def _json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def _conditional_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoRuleRepo(DynamoEntityRepo[Rule]):
    def __init__(self) -> None:
        super().__init__("rule", Rule, "RULE")

    def record(self, e: Any) -> Record:
        pk, sk = self.key(e.tenant_id, e.id)
        return Record(pk=pk, sk=sk, kind=self.kind, data=_json(rule_document(e)),
                      version=e.version, last_error=e.last_error, failing_since=e.failing_since)

    def entity(self, record: Record) -> Rule:
        return rule_from_document(json.loads(record.data or "{}"), last_error=record.last_error,
                                  failing_since=record.failing_since)

    def record_outcome(self, tenant_id: str, rule_id: str, *, error: str | None, at: str) -> None:
        """One UpdateItem on the two attributes; the definition and its version are not touched."""
        pk, sk = self.key(tenant_id, rule_id)
        if error is None:
            actions = [Record.last_error.remove(), Record.failing_since.remove()]
        else:
            actions = [Record.last_error.set(error), Record.failing_since.set(Record.failing_since | at)]
        try:
            Record(pk=pk, sk=sk).update(actions=actions, condition=Record.pk.exists())
        except UpdateError as exc:
            if not _conditional_failure(exc):
                raise  # a rule deleted meanwhile has nothing to mark


class DynamoMacroRepo(DynamoEntityRepo[Macro]):
    def __init__(self) -> None:
        super().__init__("macro", Macro, "MACRO")

    def record(self, e: Any) -> Record:
        pk, sk = self.key(e.tenant_id, e.id)
        return Record(pk=pk, sk=sk, kind=self.kind, data=_json(macro_document(e)),
                      version=e.version)

    def entity(self, record: Record) -> Macro:
        return macro_from_document(json.loads(record.data or "{}"))
