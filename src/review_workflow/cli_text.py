"""The command line's own words in Chinese: what click (vendored by typer) prints around our help texts —
"Usage:", "Options", "Show this message and exit.", "[default: …]", type names, its error messages.

click asks `gettext` for most of them at the moment it prints; `install()` puts a translation in place of
`gettext` in click's and typer's modules (only in this process, only for these strings: anything not
listed stays as it is), and words typer writes without `gettext` (the usage line, the help option, the
type of an argument) are put in Chinese where they are written.
"""

from __future__ import annotations

import gettext
import re
import sys
from typing import Any

TEXTS = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "Aborted!": "已中止。",
    "Error: {message}": "错误：{message}",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Try '{command} {option}' for help.": "用“{command} {option}”查看帮助。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Invalid value: {message}": "值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值，可用：{states}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "integer": "整数",
    "float": "数",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
}
PLURALS = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Did you mean {possibility}?": "您是否要输入 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（您是否要输入其中之一：{possibilities}？）",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
}


def zh(message: str) -> str:
    return TEXTS.get(message, message)


def zh_plural(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return PLURALS.get(chosen, chosen)


# click's error messages that typer writes without gettext, most specific first.
ERRORS = [
    (r"Missing argument '([^']+)'\.", r"缺少参数“\1”。"),
    (r"Missing option '([^']+)'\.", r"缺少选项 \1。"),
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"Option '([^']+)' requires an argument\.", r"选项 \1 需要一个值。"),
    (r"Option '([^']+)' requires (\d+) arguments\.", r"选项 \1 需要 \2 个值。"),
    (r"Option '([^']+)' does not take a value\.", r"选项 \1 不接受值。"),
    (r"Got unexpected extra arguments? \((.*)\)", r"多余的参数（\1）"),
    (r"Invalid value for ([^:]+): ", r"\1 的值无效："),
    (r"Invalid value: ", "值无效："),
    (r"Value (.+?) is not a valid ([^.]+)\.", r"\1 不是有效的\2。"),
    (r"'(.+?)' is not a valid ([^.]+)\.", r"“\1”不是有效的\2。"),
    (r"(.+?) is not one of (.+)\.", r"\1 不是 \2 之一。"),
    (r"(\S+) '(.+?)' does not exist\.", r"\1“\2”不存在。"),
    (r"Input should be a valid integer.*", "应为整数"),
    (r"Input should be a valid number.*", "应为数字"),
]
USAGE = {"Usage: ": "用法：", "[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}
TYPES = {"str": "文本", "text": "文本", "integer": "整数", "int": "整数", "float": "数字", "bool": "是/否", "Path": "路径", "file": "文件", "directory": "目录", "path": "路径"}
HELP_OPTION = "显示本帮助并退出。"
_installed = False


def error_text(message: str) -> str:
    for pattern, chinese in ERRORS:
        message = re.sub(pattern, chinese, message)
    return TYPES.get(message, message)


def install() -> None:
    """Translate in every module of click and typer loaded so far (call after importing typer)."""
    global _installed
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "click" or name.startswith(("click.", "typer"))):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = zh  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = zh_plural  # type: ignore[attr-defined]
    if _installed:
        return
    _installed = True
    from typer import core
    from typer._click import decorators, exceptions, formatting, utils

    write_usage = formatting.HelpFormatter.write_usage

    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, chinese in USAGE.items():
            args = args.replace(english, chinese)
        write_usage(self, prog, args, USAGE["Usage: "] if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign]

    help_option = decorators.help_option

    def chinese_help_option(param_decls: list[str]) -> Any:
        apply = help_option(param_decls)

        def decorate(command: Any) -> Any:
            out = apply(command)
            command.params[-1].help = HELP_OPTION
            return out

        return decorate

    decorators.help_option = chinese_help_option

    bare_type = core._TyperParameter._bare_type

    def chinese_type(self: Any, annotation: type) -> str:
        label: str = bare_type(self, annotation)
        return TYPES.get(label, label)

    core._TyperParameter._bare_type = chinese_type  # type: ignore[method-assign]

    display_type = core._TyperParameter.display_type

    def chinese_display(self: Any, ctx: Any) -> str:
        label: str = display_type(self, ctx)
        inner = label.removeprefix("<").removesuffix(">")
        return f"<{TYPES.get(inner, inner)}>" if label.startswith("<") else label

    core._TyperParameter.display_type = chinese_display  # type: ignore[method-assign]

    def show_error(self: Any, file: Any = None) -> None:
        utils.echo(f"错误：{error_text(self.format_message())}", file=file or exceptions.get_text_stderr(), color=self.show_color)

    def show_usage_error(self: Any, file: Any = None) -> None:
        file = file or exceptions.get_text_stderr()
        if self.ctx is not None:
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = f"用“{self.ctx.command_path} {self.ctx.help_option_names[0]}”查看帮助。\n"
            utils.echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=self.ctx.color)
        utils.echo(f"错误：{error_text(self.format_message())}", file=file, color=self.ctx.color if self.ctx else None)

    exceptions.ClickException.show = show_error  # type: ignore[method-assign]
    exceptions.UsageError.show = show_usage_error  # type: ignore[method-assign]
