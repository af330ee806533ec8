"""Package, lint and deploy the Chalice app with the merge template in `infra/template.yml`.

`package()` and `lint()` run offline (tests use them). `deploy()` needs an AWS account and the `aws` CLI: it
cannot be exercised on a development machine and is kept to a thin sequence of documented commands.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"
MERGE_TEMPLATE = ROOT / "infra" / "template.yml"
PORTAL = ROOT / "static_portal"


def _script(name: str) -> str:
    """A console script installed next to the running interpreter (the venv), else from PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found next to {sys.executable} nor on PATH")
    return found


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return env


def package(out_dir: Path, stage: str = "dev") -> Path:
    """Run `chalice package` with the merge template into `out_dir`; return the SAM template's path.

    A YAML merge template makes Chalice write `sam.yaml` (next to `deployment.zip`).
    """
    out_dir = Path(out_dir).resolve()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    merge = os.path.relpath(MERGE_TEMPLATE, FUNCTIONS)
    cmd = [_script("chalice"), "package", "--pkg-format", "cloudformation", "--merge-template", merge,
           "--stage", stage, str(out_dir)]
    done = subprocess.run(cmd, cwd=FUNCTIONS, env=_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"chalice package failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    for name in ("sam.yaml", "sam.json"):
        if (out_dir / name).exists():
            return out_dir / name
    raise RuntimeError(f"chalice package wrote no template into {out_dir}: {sorted(os.listdir(out_dir))}")


def load_template(path: Path) -> dict[str, Any]:
    """Load the packaged template (Chalice writes long-form intrinsics, so plain YAML/JSON loading works)."""
    text = Path(path).read_text()
    if str(path).endswith(".json"):
        return json.loads(text)
    import yaml

    return yaml.safe_load(text)


def lint_report(template: Path) -> tuple[list[str], list[str]]:
    """cfn-lint the template: (errors, warnings). Dependency cycles count as errors (cfn-lint misses those
    that only appear through SAM resources)."""
    cmd = [_script("cfn-lint"), "--format", "parseable", str(template)]
    done = subprocess.run(cmd, env=_env(), capture_output=True, text=True)
    errors: list[str] = []
    warnings: list[str] = []
    for line in done.stdout.splitlines():
        fields = line.split(":")
        code = fields[5] if len(fields) > 5 else ""
        if code.startswith("W"):
            warnings.append(line)
        elif code.startswith("I"):
            continue
        elif line.strip():
            errors.append(line)
    if done.returncode & ~(2 | 4 | 8) and not errors:  # exit bits: 2 errors, 4 warnings, 8 informational
        errors.append(f"cfn-lint exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    errors += [f"dependency cycle: {' -> '.join(c)}" for c in find_cycles(load_template(template))]
    return errors, warnings


def lint(template: Path) -> list[str]:
    """The error lines of cfn-lint (plus dependency cycles); warnings are ignored (see `lint_report`)."""
    return lint_report(template)[0]


_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9:]+)(?:\.[A-Za-z0-9.]+)?\}")


def _references(node: Any, names: set[str]) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str) and value in names:
                found.add(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".", 1)[0]
                if target in names:
                    found.add(target)
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                found |= {m for m in _SUB_NAME.findall(text) if m in names}
                if isinstance(value, list) and len(value) > 1:
                    found |= _references(value[1], names)
                continue
            found |= _references(value, names)
    elif isinstance(node, list):
        for value in node:
            found |= _references(value, names)
    return found


def find_cycles(template: dict[str, Any]) -> list[list[str]]:
    """Resource dependency cycles (Ref, GetAtt, Sub, DependsOn), each as a path that returns to its start."""
    resources = template.get("Resources", {})
    names = set(resources)
    graph: dict[str, set[str]] = {}
    for name, resource in resources.items():
        deps = _references(resource.get("Properties", {}), names)
        depends_on = resource.get("DependsOn", [])
        deps |= set([depends_on] if isinstance(depends_on, str) else depends_on) & names
        graph[name] = deps - {name}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    return cycles


def _run(cmd: list[str]) -> str:
    print("+", " ".join(cmd), flush=True)
    done = subprocess.run(cmd, env=_env(), check=True, capture_output=True, text=True)
    return done.stdout


def deploy(stage: str, stack_name: str, artifact_bucket: str, mail_domain: str,
           certificate_arn: str | None = None, portal_domain: str | None = None,
           out_dir: Path | None = None) -> dict[str, str]:
    """Package and deploy to the AWS account of the current credentials; return the stack outputs.

    Untested here (no AWS account): it only chains the `aws` CLI commands a person would type.
    1. `chalice package` (see `package`), 2. `aws cloudformation package` (uploads deployment.zip to
    `artifact_bucket`), 3. `aws cloudformation deploy` with MailDomain/Stage/CertificateArn/PortalDomain,
    4. without a PortalDomain, a second deploy passes the CloudFront URL as PortalUrl (the API function
    cannot reference the distribution directly: that would be a dependency cycle), 5. activate the SES
    receipt rule set, 6. upload `static_portal/` to the portal bucket. DNS (MX to SES inbound, DKIM
    CNAMEs of the MailIdentity) and leaving the SES sandbox stay manual.
    """
    out_dir = out_dir or ROOT / "build" / "package"
    template = package(out_dir, stage="dev")
    packaged = out_dir / "packaged.yaml"
    aws = _script("aws")
    _run([aws, "cloudformation", "package", "--template-file", str(template), "--s3-bucket", artifact_bucket,
          "--output-template-file", str(packaged)])
    params = [f"MailDomain={mail_domain}", f"Stage={stage}"]
    if certificate_arn:
        params.append(f"CertificateArn={certificate_arn}")
    if portal_domain:
        params.append(f"PortalDomain={portal_domain}")
    base = [aws, "cloudformation", "deploy", "--template-file", str(packaged), "--stack-name", stack_name,
            "--capabilities", "CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND", "--no-fail-on-empty-changeset"]
    _run(base + ["--parameter-overrides", *params])
    outputs = _outputs(aws, stack_name)
    if not portal_domain:
        _run(base + ["--parameter-overrides", *params, f"PortalUrl={outputs['PortalUrl']}"])
    _run([aws, "ses", "set-active-receipt-rule-set", "--rule-set-name", outputs["ReceiptRuleSetName"]])
    if PORTAL.exists():
        _run([aws, "s3", "sync", str(PORTAL), f"s3://{outputs['PortalBucketName']}/", "--delete"])
    return outputs


def _outputs(aws: str, stack_name: str) -> dict[str, str]:
    raw = _run([aws, "cloudformation", "describe-stacks", "--stack-name", stack_name, "--output", "json"])
    stack = json.loads(raw)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
