"""`review-workflow …`: the command line. Each command builds the runtime and calls one service."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from .config import Settings
from .definitions import to_mermaid
from .errors import CalendarNotPublished, WorkflowError
from .runtime import Runtime, build_runtime

app = typer.Typer(
    help="重大执法决定法制审核、备案与公示的流程引擎。", no_args_is_help=True, add_completion=False
)
workflows_app = typer.Typer(help="查看流程定义。", no_args_is_help=True)
audit_app = typer.Typer(help="全过程记录：审计链校验。", no_args_is_help=True)
app.add_typer(workflows_app, name="workflows")
app.add_typer(audit_app, name="audit")

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INVALID = 2
EXIT_CALENDAR = 3


def friendly(fn: F) -> F:
    """A business error ends the command with a sentence and an exit code, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CalendarNotPublished as exc:
            typer.echo(f"错误：{exc.message}", err=True)
            raise typer.Exit(EXIT_CALENDAR) from exc
        except WorkflowError as exc:
            typer.echo(f"错误：{exc.message}", err=True)
            raise typer.Exit(EXIT_INVALID) from exc

    return wrapper  # type: ignore[return-value]


def runtime() -> Runtime:
    return build_runtime(Settings())


@app.command()
@friendly
def init() -> None:
    """创建数据库表（已存在的表保持不变）。"""
    from .services.admin import init_database

    rt = runtime()
    init_database(rt)
    typer.echo(f"数据库已就绪：{rt.settings.database_url}")


@app.command()
@friendly
def demo(
    tokens: Annotated[Path, typer.Option("--tokens", help="把演示用户的令牌写入此 JSON 文件")],
    reset: Annotated[bool, typer.Option("--reset", help="先清空数据库再写入演示数据")] = False,
) -> None:
    """写入演示数据：机关、各角色用户、处于不同状态的案件。"""
    from .models import Base
    from .services.admin import init_database
    from .services.demo import load_demo

    rt = runtime()
    if reset:
        Base.metadata.drop_all(rt.db)
    init_database(rt)
    users = load_demo(rt)
    tokens.parent.mkdir(parents=True, exist_ok=True)
    tokens.write_text(json.dumps(users, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo(f"已写入演示数据：{len(users)} 个用户，令牌见 {tokens}")
    for username, info in users.items():
        typer.echo(f"  {username:<10} {','.join(info['roles']):<22} {info['agency']}")


@app.command()
@friendly
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="监听端口")] = 8000,
) -> None:
    """启动 Web 服务（REST API 与 /docs）。"""
    import uvicorn

    from .api.app import create_app

    rt = runtime()
    typer.echo(f"服务地址 http://{host}:{port}  接口文档 http://{host}:{port}/docs")
    uvicorn.run(create_app(rt), host=host, port=port, log_level="info")


@workflows_app.command("list")
@friendly
def workflows_list() -> None:
    """列出已加载的流程。"""
    for wf in runtime().workflows.values():
        d = wf.definition
        typer.echo(f"{d.name:<28} {d.title}  ({len(d.states)} 个状态, {len(d.transitions)} 个事件)")


@workflows_app.command("show")
@friendly
def workflows_show(name: str) -> None:
    """显示一个流程的状态与流转。"""
    d = runtime().workflow(name).definition
    typer.echo(f"{d.name}  {d.title}\n文件：{d.source_file}\n内容哈希：{d.content_hash}\n\n状态：")
    for state, spec in d.states.items():
        marks = "（初始）" if state == d.initial else ("（终态）" if spec.final else "")
        typer.echo(f"  {state:<24} {spec.title}{marks}")
    typer.echo("\n事件：")
    for t in d.transitions:
        fields = ", ".join(f"{k}:{v.type}{'' if v.required else '?'}" for k, v in t.payload.items())
        typer.echo(
            f"  {t.event:<10} {t.title:<8} {','.join(t.sources)} → {t.dest}  [{','.join(t.roles)}]  {fields}"
        )


@workflows_app.command("diagram")
@friendly
def workflows_diagram(name: str) -> None:
    """输出流程的 Mermaid 状态图。"""
    typer.echo(to_mermaid(runtime().workflow(name).definition), nl=False)


@audit_app.command("verify")
@friendly
def audit_verify() -> None:
    """校验审计哈希链；完整时退出码 0，否则非 0 并指出第一个断点。"""
    from .services.admin import verify_audit

    report = verify_audit(runtime())
    if report.intact:
        typer.echo(f"审计链完整：共 {report.events} 个事件。")
        return
    typer.echo(f"审计链已被破坏：{report.breaks[0].describe()}", err=True)
    for extra in report.breaks[1:]:
        typer.echo(f"  另见：{extra.describe()}", err=True)
    raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console entry
    app(prog_name="review-workflow")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
