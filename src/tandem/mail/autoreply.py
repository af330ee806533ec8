"""One classifier for machine-sent mail: bounces, auto-replies, list and bulk mail (RFC 3834 and friends).

Automatic mail must never trigger automatic answers; bounces also tell which addresses fail.
"""

from __future__ import annotations

import re
from email.message import Message
from email.utils import getaddresses

from tandem.mail.model import AutoClassification

BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|bounces?|mdaemon)([+@-]|$)", re.I)
BOUNCE_SUBJECTS = re.compile(
    r"(undeliver(ed|able)|delivery (status notification|failure|has failed)|returned mail|mail delivery failed|"
    r"failure notice|non[- ]delivery|nicht zustellbar|unzustellbar|return(ed|ing) to sender|mail failed)",
    re.I,
)
BOUNCE_SUBJECT_START = re.compile(
    r"^\s*(undeliver(ed|able)( mail)?\b|delivery status notification \((failure|delay)\)|mail delivery (failed|failure|"
    r"subsystem)|returned mail:|failure notice$|delivery failure|non[- ]delivery report|unzustellbar)",
    re.I,
)
AUTO_SUBJECTS = re.compile(
    r"^(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheitsnotiz|absence|"
    r"r[ée]ponse automatique|on vacation|away from|complaint about message from|abuse report)",
    re.I,
)
FAILED_RCPT = re.compile(r"<?([\w.+'-]+@[\w-]+(?:\.[\w-]+)+)>?")


def _header(msg: Message, name: str) -> str:
    try:
        return str(msg.get(name, "") or "").strip()
    except Exception:  # malformed header: treat as absent
        return ""


def _failed_recipients(msg: Message) -> list[str]:
    """Final-Recipient of each `Action: failed` block in a delivery-status report."""
    found: list[str] = []
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        for block in blocks:
            action = str(block.get("Action", "")).lower()
            recipient = str(block.get("Final-Recipient", "") or block.get("Original-Recipient", ""))
            if action.startswith("failed") and (m := FAILED_RCPT.search(recipient.split(";")[-1])):
                found.append(m.group(1).lower())
    return list(dict.fromkeys(found))


def _bounce_reason(msg: Message, sender: str, subject: str) -> str | None:
    if msg.get_content_type() == "multipart/report" and "delivery-status" in _header(msg, "Content-Type").lower():
        return "delivery-status report"
    if BOUNCE_SENDERS.match(sender.split("@")[0] if sender else "") and BOUNCE_SUBJECTS.search(subject):
        return "mailer-daemon bounce"
    if _header(msg, "Return-Path") == "<>" and BOUNCE_SUBJECTS.search(subject):
        return "null return path bounce"
    if _header(msg, "X-Failed-Recipients"):
        return "X-Failed-Recipients"
    if BOUNCE_SUBJECT_START.match(subject):
        return "bounce subject"  # anchored: "Fwd: Undeliverable…" from a person is not a bounce
    return None


NO_REPLY = re.compile(r"^(no-?reply|do-?not-?reply|donotreply|notifications?|feedbackloop|dmarc-noreply)([+@.-]|$)",
                      re.I)
REPORT_TYPES = ("message/feedback-report", "message/disposition-notification")


def _report_reason(msg: Message) -> str | None:
    """Abuse/feedback (ARF), DMARC forensic and read-receipt reports: machines reporting on mail."""
    if msg.get_content_type() == "multipart/report":
        return f"report ({msg.get_param('report-type') or 'unknown type'})"
    for part in msg.walk():
        if part.get_content_type() in REPORT_TYPES:
            return part.get_content_type()
    return None


def _auto_reason(msg: Message, subject: str) -> str | None:
    submitted = _header(msg, "Auto-Submitted").lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"):
        if _header(msg, name):
            return name
    if _header(msg, "X-Auto-Response-Suppress").lower() in ("all", "oof", "autoreply"):
        return "X-Auto-Response-Suppress"
    precedence = _header(msg, "Precedence").lower()
    if precedence == "auto_reply":
        return "Precedence: auto_reply"
    if AUTO_SUBJECTS.search(subject):
        return "auto-reply subject"
    return None


def classify(msg: Message, sender: str = "", subject: str = "") -> AutoClassification:
    """Bounce beats auto-reply beats list beats bulk beats human."""
    sender = sender or (getaddresses([_header(msg, "From")]) or [("", "")])[0][1]
    subject = subject or _header(msg, "Subject")
    if reason := _bounce_reason(msg, sender, subject):
        failed = _failed_recipients(msg) or [
            a.lower() for a in FAILED_RCPT.findall(_header(msg, "X-Failed-Recipients"))
        ]
        return AutoClassification("bounce", reason, failed)
    if reason := _auto_reason(msg, subject) or _report_reason(msg):
        return AutoClassification("auto_reply", reason)
    if NO_REPLY.match(sender.split("@")[0] if sender else ""):
        return AutoClassification("auto_reply", "no-reply sender")
    if BOUNCE_SENDERS.match(sender.split("@")[0] if sender else ""):
        return AutoClassification("auto_reply", "mailer-daemon sender")
    precedence = _header(msg, "Precedence").lower()
    if _header(msg, "List-Id") or _header(msg, "List-Unsubscribe") or precedence == "list":
        return AutoClassification("list", "List-Id" if _header(msg, "List-Id") else
                                  "List-Unsubscribe" if _header(msg, "List-Unsubscribe") else "Precedence: list")
    if precedence in ("bulk", "junk"):
        return AutoClassification("bulk", f"Precedence: {precedence}")
    return AutoClassification()
