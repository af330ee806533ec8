"""The module table (domain/modules.py, issue 15): defaults, the one decision, which actions need which module, and
the screens' copy of the table (static_portal/js/modules.js) kept in step with it."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from tandem.domain.errors import ModuleDisabled
from tandem.domain.modules import MODULES, action_warnings, skip_reason
from tandem.domain.rule_actions import ACTION_TYPES
from tandem.domain.tenants import MODULE_DEFAULTS, Tenant, module_on, modules_of, require_module

JS = Path(__file__).resolve().parents[2] / "static_portal" / "js" / "modules.js"


def test_six_modules_all_on_by_default_but_chat():
    assert MODULE_DEFAULTS == {"tasks": True, "portal": True, "knowledge_base": True, "time_tracking": True,
                               "chat": False, "integrations": True}
    assert modules_of(Tenant(id="t", slug="acme", name="Acme", mail_domain="acme.example", created_at="")) == \
        MODULE_DEFAULTS


def test_a_tenants_switch_wins_and_require_module_names_the_module():
    tenant = Tenant(id="t", slug="acme", name="Acme", mail_domain="acme.example", created_at="",
                    modules={"tasks": False, "chat": True})
    assert not module_on(tenant, "tasks") and module_on(tenant, "chat") and module_on(tenant, "portal")
    with pytest.raises(ModuleDisabled) as caught:
        require_module(tenant, "tasks")
    assert caught.value.details == {"module": "tasks"} and "Tasks" in caught.value.message
    require_module(tenant, "chat")  # on: nothing raised


def test_only_the_actions_whose_module_is_off_are_skipped_and_flagged():
    off = {"tasks": False, "integrations": False}
    assert skip_reason("convert_to_task", off) and skip_reason("call_webhook", off)
    assert skip_reason("convert_to_task", {}) is None, "a module at its default (on) skips nothing"
    assert all(skip_reason(kind, off) is None for kind in ACTION_TYPES if kind not in ("convert_to_task",
                                                                                     "call_webhook"))
    warnings = action_warnings(["add_tag", "call_webhook", "set_type", "convert_to_task"], off)
    assert [(w.action_index, w.module) for w in warnings] == [(1, "integrations"), (3, "tasks")]
    assert all("switched off" in w.message for w in warnings)
    assert action_warnings(["", "unknown"], off) == []


def test_the_api_models_have_one_field_per_module():
    from tandem.schemas.auth import Modules, ModulesPatch

    assert [f.name for f in msgspec.structs.fields(Modules)] == list(MODULE_DEFAULTS)
    assert [f.name for f in msgspec.structs.fields(ModulesPatch)] == list(MODULE_DEFAULTS)
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"crm": true}', type=ModulesPatch)


def test_the_screens_copy_of_the_table_matches_the_domain():
    row = r'\{ name: "(\w+)", label: "([^"]+)", off: "[^"]+", on: (true|false), description: "([^"]+)" \}'
    entries = re.findall(row, JS.read_text())
    assert [(n, lab, on == "true", d) for n, lab, on, d in entries] == [
        (m.name, m.label, m.default, m.description) for m in MODULES
    ]
