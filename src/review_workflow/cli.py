"""`review-workflow …`: the command line. Each command builds the runtime and calls one service."""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError

from . import cli_text
from .config import Settings
from .core.definitions import GuardRef, to_mermaid
from .core.errors import CalendarNotPublished, DefinitionError, InvalidInput, WorkflowError
from .runtime import Runtime, build_runtime
from .storage.migrate import SchemaError

EXIT_OK = 0
EXIT_AUDIT_BROKEN = 1
EXIT_INVALID = 2  # a wrong argument, a bad definition, a database without tables or out of reach
EXIT_CALENDAR = 3  # a period runs into a year whose holiday arrangement is not published
EXIT_SCHEMA = 4  # the schema is not the one this program needs: `review-workflow db upgrade`
EXIT_PORT_BUSY = 5  # serve: the port is taken by another program

EXIT_CODES = f"""退出码：{EXIT_OK} 成功；{EXIT_AUDIT_BROKEN} 审计链被破坏（audit verify）；{EXIT_INVALID} 参数、流程定义或数据库有误（含数据库尚未建表：先运行 review-workflow init）；{EXIT_CALENDAR} 期限涉及未发布节假日安排的年份；{EXIT_SCHEMA} 数据库结构不是最新版本（先运行 review-workflow db upgrade）；{EXIT_PORT_BUSY} 端口已被占用（serve）。"""


def _typer(help_text: str, **extra: Any) -> typer.Typer:
    # Plain click help (no rich panels): every word of it can be put in Chinese (cli_text), and a flag
    # shows as a flag, without a type.
    return typer.Typer(help=help_text, no_args_is_help=True, add_completion=False, rich_markup_mode=None, **extra)


app = _typer("重大执法决定法制审核、行政处罚、备案与公示的流程引擎。", epilog=EXIT_CODES)
workflows_app = _typer("查看流程定义。")
audit_app = _typer("全过程记录：审计链校验。")
calendar_app = _typer("工作日历：计算与说明期限，导入年度节假日安排。")
tokens_app = _typer("API 令牌：签发（带名称与有效期）、查看、吊销。令牌只在签发时显示一次。")
db_app = _typer("数据库结构：升级到本程序所需的版本、查看与核对当前版本。")
app.add_typer(workflows_app, name="workflows")
app.add_typer(audit_app, name="audit")
app.add_typer(calendar_app, name="calendar")
app.add_typer(tokens_app, name="tokens")
app.add_typer(db_app, name="db")
cli_text.install()

F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """A business error ends the command with a sentence and an exit code, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CalendarNotPublished as exc:
            typer.echo(f"错误：{exc.message}", err=True)
            raise typer.Exit(EXIT_CALENDAR) from exc
        except DefinitionError as exc:
            problems = exc.details or []
            typer.echo(f"错误：流程定义有 {len(problems) or 1} 处问题，无法启动：", err=True)
            for p in problems or [{"message": exc.message}]:
                where = f"{p['file']}: {p['path']}: " if "file" in p else ""
                typer.echo(f"  {where}{p['message']}", err=True)
            raise typer.Exit(EXIT_INVALID) from exc
        except WorkflowError as exc:
            typer.echo(f"错误：{exc.message}", err=True)
            raise typer.Exit(EXIT_INVALID) from exc
        except SchemaError as exc:
            typer.echo(f"错误：{exc}", err=True)
            raise typer.Exit(EXIT_SCHEMA) from exc
        except (OperationalError, ProgrammingError) as exc:
            typer.echo(f"错误：{_database_problem(exc)}", err=True)
            raise typer.Exit(EXIT_INVALID) from exc

    return wrapper  # type: ignore[return-value]


def _database_problem(exc: OperationalError | ProgrammingError) -> str:
    """One line for a database error: a missing table means the schema was never made."""
    text = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return f"数据库 {_shown_url(Settings().database_url)} 中没有所需的数据表，请先运行 review-workflow init（或 scripts/run）"
    if "connect" in text or "unable to open" in text:
        return f"无法打开数据库 {_shown_url(Settings().database_url)}：{text}"
    return f"数据库错误：{text}"


def _shown_url(url: str) -> str:
    """The URL without its password."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        creds, _, host = rest.rpartition("@")
        rest = f"{creds.split(':')[0]}:***@{host}" if ":" in creds else rest
    return scheme + sep + rest


def runtime(*, create: bool = False, database: bool = True) -> Runtime:
    """The runtime of a command (the definitions are checked first). A SQLite file that is not there is
    made only by the commands that create the schema (`create`); the others that use the database say
    so instead of working on an empty new file."""
    settings = Settings()
    path = _sqlite_path(settings.database_url)
    if path is not None and create:
        path.parent.mkdir(parents=True, exist_ok=True)
    rt = build_runtime(settings)
    if path is not None and database and not create and not path.exists():
        raise InvalidInput(f"数据库文件 {path} 不存在：请先运行 review-workflow init（或 scripts/run）")
    return rt


def _sqlite_path(url: str) -> Path | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.removeprefix(prefix) in ("", ":memory:"):
        return None
    return Path(url.removeprefix(prefix).split("?")[0])


def require_current_schema(rt: Runtime) -> None:
    """serve and worker run only on the schema this program was written for."""
    from .storage import migrate

    st = migrate.status(rt.db)
    if st.empty:
        typer.echo(f"错误：数据库 {_shown_url(rt.settings.database_url)} 中还没有数据表，请先运行 review-workflow init（或 scripts/run）", err=True)
        raise typer.Exit(EXIT_INVALID)
    if not st.at_head:
        typer.echo(f"错误：{st.describe()}，本程序需要 {st.head}：请先运行 review-workflow db upgrade", err=True)
        raise typer.Exit(EXIT_SCHEMA)


@app.command()
@friendly
def init() -> None:
    """建立数据库：空库建表；已有数据的库升级到最新结构（同 db upgrade）。"""
    from .services.admin import init_database

    rt = runtime(create=True)
    before, after = init_database(rt)
    typer.echo(f"数据库已就绪（结构版本 {after.revision}）：{_shown_url(rt.settings.database_url)}")
    if not before.empty and before.revision != after.revision:
        typer.echo(f"  已从“{before.describe()}”升级。")


@db_app.command("upgrade")
@friendly
def db_upgrade() -> None:
    """把数据库升级到本程序所需的结构版本，并迁移数据（空库则建表）。升级前请备份。"""
    from .services.admin import init_database

    rt = runtime(create=True)
    before, after = init_database(rt)
    if before.revision == after.revision:
        typer.echo(f"数据库已是最新结构版本 {after.revision}，无需升级。")
    elif before.empty:
        typer.echo(f"已建立数据表：结构版本 {after.revision}（{_shown_url(rt.settings.database_url)}）。")
    else:
        typer.echo(f"已升级：{before.describe()} → 结构版本 {after.revision}。")


@db_app.command("current")
@friendly
def db_current() -> None:
    """显示数据库当前的结构版本与本程序所需的版本。不是最新时退出码 4。"""
    from .storage import migrate

    st = migrate.status(runtime().db)
    typer.echo(f"{st.describe()}。")
    if not st.at_head:
        raise typer.Exit(EXIT_SCHEMA)


@db_app.command("check")
@friendly
def db_check() -> None:
    """核对数据库结构与程序的数据模型是否一致（版本为最新且没有差异时退出码 0，否则 4）。"""
    from .storage import migrate

    rt = runtime()
    st = migrate.status(rt.db)
    problems = migrate.differences(rt.db) if not st.empty else []
    if st.at_head and not problems:
        typer.echo(f"数据库结构与程序一致（结构版本 {st.revision}）。")
        return
    typer.echo(f"{st.describe()}。" + (f"与程序的数据模型有 {len(problems)} 处差异：" if problems else ""), err=True)
    for diff in problems:
        typer.echo(f"  {diff}", err=True)
    raise typer.Exit(EXIT_SCHEMA)


@db_app.command("stamp")
@friendly
def db_stamp() -> None:
    """只把数据库标记为最新结构版本，不做任何修改（用于开发版本 init 建立、未纳入版本管理的库；之后用 db check 核对）。"""
    from .storage import migrate

    migrate.stamp_head(runtime().db)
    typer.echo(f"已标记为结构版本 {migrate.head()}。")


@app.command()
@friendly
def demo(
    tokens: Annotated[Path, typer.Option("--tokens", metavar="文件", help="把演示用户的令牌写入此 JSON 文件")],
    reset: Annotated[bool, typer.Option("--reset", help="先清空数据库再写入演示数据")] = False,
) -> None:
    """写入演示数据：机关、各角色用户、处于不同状态的案件。"""
    from .services.admin import init_database
    from .services.demo import load_demo
    from .storage.migrate import drop_all

    rt = runtime(create=True)
    if reset:
        drop_all(rt.db)
    init_database(rt)
    users = load_demo(rt)
    tokens.parent.mkdir(parents=True, exist_ok=True)
    tokens.write_text(json.dumps(users, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo(f"已写入演示数据：{len(users)} 个用户，令牌与登录密码见 {tokens}")
    for username, info in users.items():
        typer.echo(f"  {username:<10} 密码 {info['password']:<14} {','.join(info['roles']):<22} {info['agency']}")


@app.command()
@friendly
def serve(
    host: Annotated[str, typer.Option(metavar="地址", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="端口", help="监听端口")] = 8000,
    workers: Annotated[
        int, typer.Option(metavar="进程数", min=1, max=64, help="服务进程数；多于 1 个时请使用 PostgreSQL")
    ] = 1,
    scheduler: Annotated[
        bool,
        typer.Option(
            "--scheduler/--no-scheduler",
            help="在本服务进程内定时扫描期限（默认取 REVIEW_WORKFLOW_SCHEDULER_ENABLED）；另有 worker 进程时关闭",
        ),
    ] = True,
) -> None:
    """启动 Web 服务（网页、REST API 与 /docs）。数据库结构不是最新时不启动（退出码 4），端口被占用时退出码 5。"""
    import uvicorn

    from .api.app import create_app, served
    from .api.serving import run_processes

    if not scheduler:  # in the environment, so that every worker process reads it
        os.environ["REVIEW_WORKFLOW_SCHEDULER_ENABLED"] = "false"
    rt = runtime()
    require_current_schema(rt)
    if problem := _port_problem(host, port):
        typer.echo(f"错误：无法监听 {host}:{port}（{problem}）；请用 --port 换一个端口，或先停止占用它的程序", err=True)
        raise typer.Exit(EXIT_PORT_BUSY)
    typer.echo(f"服务地址 http://{host}:{port}  接口文档 http://{host}:{port}/docs")
    if workers == 1:
        uvicorn.run(served(create_app(rt)), host=host, port=port, log_level="info")
        return
    # Each worker process builds its own runtime from the same environment (the database URL included).
    os.environ["REVIEW_WORKFLOW_DATABASE_URL"] = rt.settings.database_url
    rt.db.dispose()
    run_processes(
        "review_workflow.api.app:from_environment",
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # A worker that has not answered the supervisor's ping in time is killed and replaced; building
        # the runtime (every definition loaded and checked) takes longer than uvicorn's 5 s on a busy machine.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


WORKER_HEALTHCHECK_SECONDS = 60


def _port_problem(host: str, port: int) -> str | None:
    """Why `host:port` cannot be listened on now (as uvicorn would bind it), or None."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"地址无法解析：{exc.strerror}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return "端口已被占用" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
    return None


WorkflowName = Annotated[str, typer.Argument(metavar="流程名", help="流程的名称（见 workflows list），如 penalty_case")]


@workflows_app.command("list")
@friendly
def workflows_list() -> None:
    """列出已加载的流程。"""
    for wf in runtime(database=False).workflows.values():
        d = wf.definition
        typer.echo(f"{d.name:<28} {d.title}  ({len(d.states)} 个状态, {len(d.transitions)} 个事件)")


@workflows_app.command("show")
@friendly
def workflows_show(name: WorkflowName) -> None:
    """显示一个流程：状态、事件（角色、字段、守卫、文书、子流程）、期限、文书模板。"""
    rt = runtime(database=False)
    typer.echo("\n".join(describe_workflow(rt, name)))


def _guard_text(ref: GuardRef) -> str:
    params = ", ".join(f"{k}={v}" for k, v in ref.params.items() if k != "message")
    when = [
        (" 仅当 ", " 且 ", ref.only_if),
        (" 其一成立时 ", " 或 ", ref.only_if_any),
        (" 除非 ", " 或 ", ref.unless),
    ]
    return f"{ref.name}({params})" + "".join(
        lead + joiner.join(_guard_text(c) for c in refs) for lead, joiner, refs in when if refs
    )


def describe_workflow(rt: Runtime, name: str) -> list[str]:
    """Every part of a definition, one line each, as `workflows show` prints it."""
    d = rt.workflow(name).definition
    out = [f"{d.name}  {d.title}", f"文件：{d.source_file}", f"内容哈希：{d.content_hash}"]
    out.append(f"发起：{'、'.join(rt.role_title(r) for r in d.start_roles)}" + (
        f"  守卫：{'；'.join(_guard_text(g) for g in d.start_guards)}" if d.start_guards else ""
    ))
    if d.case_fields:
        out.append("\n案件字段：")
        out += [f"  {k:<22} {v.type}{'' if v.required else '?'}  {v.title}" for k, v in d.case_fields.items()]
    out.append("\n状态：")
    for state, spec in d.states.items():
        marks = "（初始）" if state == d.initial else ("（终态）" if spec.final else "")
        out.append(f"  {state:<24} {spec.title}{marks}")
    out.append("\n事件：")
    for t in d.transitions:
        who = "系统自动" if t.auto else "、".join(rt.role_title(r) for r in t.roles)
        out.append(f"  {t.event:<20} {t.title}  {','.join(t.sources)} → {t.dest or '（不变）'}  [{who}]")
        if t.payload:
            out.append("    字段：" + ", ".join(f"{k}:{v.type}{'' if v.required else '?'}" for k, v in t.payload.items()))
        if t.updates:
            out.append(f"    更新案件字段：{', '.join(t.updates)}")
        out += [f"    守卫：{_guard_text(g)}" for g in t.guards]
        out += [f"    文书：{ref.name}" + (f" 当 {ref.when}" if ref.when else "") for ref in t.documents]
        for child in t.starts:
            when = f" 当 {' 且 '.join(_guard_text(c) for c in child.conditions)}" if child.conditions else ""
            ends = "；".join(f"{o.state or '任一终态'}{f' {o.when}' if o.when else ''} → {o.fire}" for o in child.on_final)
            out.append(f"    子流程：{child.workflow}{when}" + (f"（结束时：{ends}）" if ends else ""))
    if d.timers:
        out.append("\n期限：")
        for key, timer in d.timers.items():
            rule = timer.rule if isinstance(timer.rule, str) else f"按 {timer.rule.field}：{timer.rule.cases}，其他 {timer.rule.default}"
            opens = "立案时" if timer.opens.on_start else (f"进入 {timer.opens.on_enter}" if timer.opens.on_enter else f"事件 {','.join(timer.opens.on_events)}")
            line = f"  {key:<22} {timer.title}  {rule}  自{opens}" + (f"（起算：{timer.opens.from_field}）" if timer.opens.from_field else "")
            line += f"  结束：{','.join(timer.closed_by)}"
            line += f"  中止：{','.join(timer.pause.by)}／恢复：{','.join(timer.pause.resumed_by)}" if timer.pause else ""
            line += f"  届满触发：{timer.on_expiry}" if timer.on_expiry else ""
            out.append(line)
    if d.documents:
        out.append("\n文书：")
        out += [f"  {key:<26} {doc.title}  {doc.template}" for key, doc in d.documents.items()]
    return out


@workflows_app.command("diagram")
@friendly
def workflows_diagram(name: WorkflowName) -> None:
    """输出流程的 Mermaid 状态图。"""
    typer.echo(to_mermaid(runtime(database=False).workflow(name).definition), nl=False)


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


# -- calendar ------------------------------------------------------------------------------------

Start = Annotated[
    str,
    typer.Argument(metavar="起算日", help="起算日 YYYY-MM-DD（当日不计入）；due 命令中写 - 则从标准输入逐行读取“起算日 规则”"),
]
Rule = Annotated[str | None, typer.Argument(metavar="规则", help="期限规则：Nwd（N个工作日）或 Nd（N日，末日遇休息日顺延）")]
Provisional = Annotated[
    bool, typer.Option("--provisional", help="节假日安排未发布的年份按周末临时计算，结果标明“暂定”")
]


def _parse_start(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"起算日“{text}”无效，应写作 YYYY-MM-DD，如 2026-02-06") from None


def _require_rule(rule: str | None) -> str:
    if not rule:
        raise InvalidInput("缺少期限规则，如 7wd 或 15d")
    return rule


@calendar_app.command("due")
@friendly
def calendar_due(start: Start, rule: Rule = None, provisional: Provisional = False) -> None:
    """计算期限届满日；最后一行输出 YYYY-MM-DD。未发布节假日安排的年份：退出码 3。"""
    from .services import calendar_admin

    rt = runtime()
    if start == "-":
        for line in sys.stdin:
            if line.strip():
                typer.echo(_due_line(rt, line.split(), provisional))
        return
    result = calendar_admin.due(rt, _parse_start(start), _require_rule(rule), provisional)
    if result.provisional:
        typer.echo("暂定：期间涉及节假日安排尚未发布的年份，仅按周末计算，安排发布后须重新计算。")
    typer.echo(result.date.isoformat())


def _due_line(rt: Runtime, words: list[str], provisional: bool) -> str:
    """One `START RULE` line of `due -`: `START RULE DUE`, or `START RULE ERROR <reason>`."""
    from .services import calendar_admin

    shown = " ".join(words[:2])
    try:
        if len(words) != 2:
            raise InvalidInput(f"每行应为“起算日 规则”两项，实际 {len(words)} 项")
        result = calendar_admin.due(rt, _parse_start(words[0]), words[1], provisional)
    except WorkflowError as exc:
        return f"{shown} ERROR {' '.join(exc.message.split())}"
    return f"{shown} {result.date.isoformat()}" + (" provisional" if result.provisional else "")


@calendar_app.command("explain")
@friendly
def calendar_explain(start: Start, rule: Rule = None, provisional: Provisional = False) -> None:
    """逐日说明期限的计算：计入的每一天、跳过的每个休息日及原因。"""
    from .services import calendar_admin

    typer.echo(
        calendar_admin.explain(runtime(), _parse_start(start), _require_rule(rule), provisional).as_text()
    )


@calendar_app.command("load")
@friendly
def calendar_load(
    file: Annotated[Path, typer.Argument(metavar="文件", help="年度节假日安排文件（.yaml/.yml 或 .csv）", exists=False)],
    source: Annotated[
        str | None, typer.Option(metavar="来源", help="来源，如国务院办公厅通知文号；默认取文件中的 source 或文件名")
    ] = None,
) -> None:
    """导入一年的节假日安排，并重算受影响的未结期限（变更记入审计，通知责任人）。"""
    from .services import calendar_admin

    if not file.is_file():
        raise InvalidInput(f"找不到文件：{file}")
    fmt = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}.get(file.suffix.lower())
    if fmt is None:
        raise InvalidInput(f"无法识别文件格式“{file.suffix}”：请使用 .yaml、.yml 或 .csv")
    try:
        content = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{file} 不是 UTF-8 编码的文本文件") from None
    r = calendar_admin.load_arrangement(runtime(), content, fmt, source)  # type: ignore[arg-type]
    typer.echo(
        f"已导入 {r.year} 年节假日安排：休息日 {r.rest_days} 天，调休上班日 {r.workdays} 天；"
        f"重算未结期限 {r.recomputed} 个，其中到期日变化 {r.moved} 个。"
    )


@calendar_app.command("years")
@friendly
def calendar_years() -> None:
    """列出可用的年度节假日安排及其来源。"""
    from .services import calendar_admin

    for year, source in calendar_admin.covered_years(runtime()):
        typer.echo(f"{year}  {source}")


# -- API tokens ----------------------------------------------------------------------------------

STATUS_TITLES = {"active": "有效", "expired": "已过期", "revoked": "已吊销"}


def _positive(text: str | None, what: str) -> int | None:
    if text is None:
        return None
    if not text.strip().isdigit() or not 1 <= int(text) <= 2**31 - 1:
        raise InvalidInput(f"{what}应为正整数，收到“{text}”")
    return int(text)


@tokens_app.command("create")
@friendly
def tokens_create(
    user: Annotated[str | None, typer.Option("--user", metavar="用户名", help="令牌所属用户的用户名")] = None,
    name: Annotated[str | None, typer.Option("--name", metavar="名称", help="令牌名称，说明用途，如“数据对接”")] = None,
    days: Annotated[
        str | None, typer.Option("--days", metavar="天数", help="有效天数（1–3650）；默认取 REVIEW_WORKFLOW_TOKEN_DAYS")
    ] = None,
) -> None:
    """为用户签发一个新的 API 令牌，并只显示这一次（数据库只保存其哈希）。"""
    from .services import tokens

    if not user or not name:
        raise InvalidInput("请用 --user 指定用户名、用 --name 指定令牌名称，如：tokens create --user zhangwei --name 数据对接")
    rt = runtime()
    row, token = tokens.create_token(rt, user, name, _positive(days, "有效天数"))
    typer.echo(f"已为 {row.username} 签发令牌 {row.id}（{row.name}），有效期至 {rt.clock.local(row.expires_at):%Y-%m-%d %H:%M}。")
    typer.echo("令牌只显示这一次，请妥善保存：")
    typer.echo(token)


@tokens_app.command("list")
@friendly
def tokens_list(
    user: Annotated[str | None, typer.Option("--user", metavar="用户名", help="只列出此用户的令牌")] = None,
) -> None:
    """列出令牌：编号、用户、名称、签发与到期时间、最近使用时间、状态（不显示令牌本身）。"""
    from .services import tokens

    rt = runtime()
    rows = tokens.list_tokens(rt, user)
    if not rows:
        typer.echo("没有令牌。")
        return

    def when(moment: datetime | None) -> str:
        return "—" if moment is None else f"{rt.clock.local(moment):%Y-%m-%d %H:%M}"

    typer.echo("编号  用户        状态    签发              到期              最近使用          名称")
    for r in rows:
        typer.echo(
            f"{r.id:<5} {r.username:<11} {STATUS_TITLES[r.status]:<5} {when(r.created_at):<17} "
            f"{when(r.expires_at):<17} {when(r.last_used_at):<17} {r.name}"
        )


@tokens_app.command("revoke")
@friendly
def tokens_revoke(token_id: Annotated[str, typer.Argument(metavar="编号", help="令牌编号（见 tokens list）")]) -> None:
    """吊销一个令牌：此后使用它的请求一律被拒绝（401）。"""
    from .services import tokens

    number = _positive(token_id, "令牌编号")
    assert number is not None
    row = tokens.revoke_token(runtime(), number)
    typer.echo(f"已吊销令牌 {row.id}（{row.username} 的“{row.name}”）。")


# -- alerts worker -------------------------------------------------------------------------------


@app.command()
@friendly
def worker(
    interval: Annotated[
        float | None, typer.Option(metavar="秒", help="扫描间隔（秒）；默认取 REVIEW_WORKFLOW_SWEEP_SECONDS")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="只扫描并投递一次，然后退出")] = False,
) -> None:
    """期限提醒进程：定时扫描到期提醒与逾期期限，生成并投递通知（可多进程同时运行）。"""
    from .scheduler import run_blocking
    from .services.alerts import tick

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
    )
    rt = runtime()
    require_current_schema(rt)
    seconds = interval if interval is not None else rt.settings.sweep_seconds
    if seconds <= 0:
        raise InvalidInput("扫描间隔须大于 0 秒")
    if once:
        swept, sent = tick(rt)
        typer.echo(
            f"提醒 {swept.warned} 个、逾期 {swept.overdue} 个，新通知 {swept.queued} 条；"
            f"投递成功 {sent.sent} 条，待重试 {sent.retrying} 条，失败 {sent.failed} 条。"
        )
        return
    typer.echo(f"期限提醒进程已启动：每 {seconds:g} 秒扫描一次（Ctrl+C 退出）")
    run_blocking(rt, seconds)


def main() -> None:  # pragma: no cover - console entry
    app(prog_name="review-workflow")


if __name__ == "__main__":  # pragma: no cover
    main()
