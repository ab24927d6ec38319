"""The command line: thin commands over the same services as the web."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from caremarket.config import Settings
from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.errors import DomainError, ImportRejected
from caremarket.tenders.file import InvalidTenderFile

app = typer.Typer(
    help="caremarket: commissioning home care, from market structure to payment.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
import_app = typer.Typer(
    help="Import the market from CSV files (see docs/formats.md).", no_args_is_help=True
)
report_app = typer.Typer(help="Reports, as a table, CSV or Excel.", no_args_is_help=True)
policy_app = typer.Typer(
    help="Sourcing policies: who is offered a package, how, and for how long.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(report_app, name="report")
app.add_typer(policy_app, name="policy")
tender_app = typer.Typer(
    help="Tenders in the database: import one, report its evaluation.", no_args_is_help=True
)
app.add_typer(tender_app, name="tender")
payments_app = typer.Typer(
    help="Payment runs: make, approve, remittances, the finance export, invoices.",
    no_args_is_help=True,
)
app.add_typer(payments_app, name="payments")
ecm_app = typer.Typer(
    help="Electronic call monitoring: import providers' visit files (docs/payments.md).",
    no_args_is_help=True,
)
app.add_typer(ecm_app, name="ecm")

err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: CAREMARKET_DATABASE_URL or ./caremarket.db)."
    ),
]


def settings_for(db: str | None) -> Settings:
    return Settings(database_url=db) if db else Settings()


def unit_of_work(settings: Settings) -> SqlUnitOfWork:
    engine = make_engine(settings.database_url)
    migrate.check_migrated(engine)
    return SqlUnitOfWork(make_session_factory(engine))


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]Error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code=1)


@contextmanager
def users_errors() -> Iterator[None]:
    """Show a broken rule or a missing schema as a message, not a traceback."""
    try:
        yield
    except (DomainError, migrate.DatabaseNotMigrated, InvalidTenderFile) as error:
        fail(str(error))


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create or upgrade the database schema to the newest migration."""
    engine = make_engine(settings_for(db).database_url)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    typer.echo(f"Database at {after}" + ("" if before == after else f" (was {before or 'empty'})"))


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Show the database's schema revision and the newest one."""
    engine = make_engine(settings_for(db).database_url)
    typer.echo(
        f"current: {migrate.current_revision(engine) or 'none'}; newest: {migrate.head_revision()}"
    )


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Start the web server (the API and the pages)."""
    import uvicorn

    from caremarket.web.app import create_app

    settings = settings_for(db)
    settings = settings.model_copy(
        update={"host": host or settings.host, "port": port or settings.port}
    )
    with users_errors():
        web_app = create_app(settings)
    typer.echo(f"caremarket on http://{settings.host}:{settings.port}/")
    uvicorn.run(web_app, host=settings.host, port=settings.port, log_level="info")


@app.command()
def demo(
    preset: Annotated[
        str | None, typer.Option(help="Demo preset to load (see `--help` of each).")
    ] = None,
    db: DbOption = None,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the web server after loading.")
    ] = True,
) -> None:
    """Create the database if missing, load a demo preset, and start the web server."""
    from caremarket.demo import DEFAULT_PRESET
    from caremarket.holidays import working_week
    from caremarket.services.demo import PresetAlreadyLoaded, load_preset
    from caremarket.services.demo_accounts import add_demo_accounts
    from caremarket.services.demo_day import start_demo_day

    settings = settings_for(db)
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    uow = SqlUnitOfWork(make_session_factory(engine))
    name = preset or DEFAULT_PRESET
    loaded = False
    with users_errors():
        try:
            summary = load_preset(uow, name, by=command_line_actor(), now=datetime.now(UTC))
            typer.echo(f"Loaded the {name} preset: {summary}")
            loaded = True
        except PresetAlreadyLoaded as already:
            typer.echo(f"{already} Keeping what is there.")
        demo_accounts = add_demo_accounts(uow, by=command_line_actor(), now=datetime.now(UTC))
        provider = next((a.provider for a in demo_accounts if a.provider), None)
        if loaded and provider:
            day = start_demo_day(
                uow,
                provider=provider,
                by=Actor("broker@demo.invalid", Role.BROKER),
                now=datetime.now(UTC),
                week=working_week(),
            )
            typer.echo(f"Today's brokerage: {day}")
    engine.dispose()
    typer.echo("\nSign in as any of these (a demo database only):")
    for account in demo_accounts:
        typer.echo(f"  {account}")
    if serve_after:
        serve(db=settings.database_url)


FileArgument = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="The CSV file (or .csv.gz)."),
]
CommissionerOption = Annotated[
    str | None,
    typer.Option("--commissioner", "-c", help="Commissioner code (needed when there are several)."),
]


def run_import(kind: str, file: Path, db: str | None, **options: str | None) -> None:
    from caremarket.services import imports

    importer = getattr(imports, f"import_{kind}")
    with users_errors():
        uow = unit_of_work(settings_for(db))
        try:
            result = importer(uow, file, by=command_line_actor(), now=datetime.now(UTC), **options)
        except imports.ImportRejected as rejected:
            count = len(rejected.problems)
            err.print(f"[bold red]Nothing was imported:[/] {file} has {count} problem(s).")
            for problem in rejected.problems:
                err.print(f"  {problem}", highlight=False)
            raise typer.Exit(code=1) from None
    for warning in getattr(result, "warnings", ()):
        err.print(f"[yellow]Warning:[/] {warning}", highlight=False)
    typer.echo(str(result))


def _import_command(kind: str, doc: str, *, by_commissioner: bool = False) -> None:
    """`import KIND FILE`: each kind the same command; a file of a kind held per commissioner
    may leave that column out and name its commissioner with --commissioner."""

    def plain(file: FileArgument, db: DbOption = None) -> None:
        run_import(kind, file, db)

    def per_commissioner(
        file: FileArgument, commissioner: CommissionerOption = None, db: DbOption = None
    ) -> None:
        run_import(kind, file, db, commissioner=commissioner)

    command = per_commissioner if by_commissioner else plain
    command.__doc__ = doc
    import_app.command(kind)(command)


_import_command("commissioners", "Councils and ICBs with their pathway rules: import these first.")
_import_command(
    "services", "Service types (personal care, 24-hour, sleep-in ...): before packages name them."
)
_import_command(
    "zones", "Zones and the postcode districts or sectors they cover.", by_commissioner=True
)
_import_command("providers", "Providers with their CQC location IDs, rating and status.")
_import_command(
    "rates",
    "Rate card lines: a card is created by its first line, and later files add lines to it.",
    by_commissioner=True,
)
_import_command(
    "vehicles",
    "Procurement vehicles (frameworks, dynamic markets ...) and the commissioners they serve.",
)
_import_command(
    "lots", "Lots of vehicles already imported: zones, services, pathway, numbers of providers."
)
_import_command(
    "memberships", "Providers' places in lots, at their tiers; a subcontractor after its lead."
)
_import_command("packages", "People and their care packages.", by_commissioner=True)
_import_command(
    "postcodes", "Postcodes with coordinates (OS Code-Point Open layout) for the gazetteer."
)


# ECM files and pricing them ------------------------------------------------------------------

ProfileOption = Annotated[
    str,
    typer.Option(
        "--profile", "-p", help="caremarket, abacus, or a TOML profile file (docs/formats.md)."
    ),
]


def ecm_profile(profile: str) -> Any:
    from caremarket.imports.ecm_profiles import InvalidProfile
    from caremarket.services.ecm import profile_named

    path = Path(profile)
    try:
        if path.suffix.lower() == ".toml":
            if not path.is_file():
                fail(f"there is no profile file {profile}")
            return profile_named(path.stem, path.read_text(encoding="utf-8"))
        return profile_named(profile)
    except (InvalidProfile, DomainError, ValueError) as error:
        fail(str(error))


def show_problems(problems: Any, what: str) -> None:
    if problems:
        err.print(f"[bold yellow]{len(problems)} bad row(s) in {what}, none of them imported:[/]")
        for problem in problems:
            err.print(f"  {problem}", highlight=False, soft_wrap=True)


@ecm_app.command("import")
def ecm_import(
    file: FileArgument,
    provider: Annotated[str, typer.Option("--provider", help="The provider's name.")],
    profile: ProfileOption = "caremarket",
    db: DbOption = None,
) -> None:
    """Import a provider's ECM visit file: every bad row reported, the good visits stored."""
    from caremarket.services.ecm import import_ecm_file

    chosen = ecm_profile(profile)
    with users_errors():
        uow = unit_of_work(settings_for(db))
        try:
            summary = import_ecm_file(
                uow,
                file.read_bytes(),
                provider=provider,
                profile=chosen,
                filename=file.name,
                by=command_line_actor(),
                now=datetime.now(UTC),
            )
        except ImportRejected as rejected:
            show_problems(rejected.problems, file.name)
            fail(f"nothing was imported from {file.name}")
    for warning in summary.warnings:
        err.print(f"[yellow]Warning:[/] {warning}", highlight=False)
    show_problems(summary.problems, file.name)
    typer.echo(
        f"{file.name}: {summary.rows} rows; visits {summary.visits_new} new,"
        f" {summary.visits_changed} changed, {summary.visits_unchanged} unchanged;"
        f" {len(summary.problems)} problem(s); {len(summary.queries)} queries raised"
        f" ({summary.held} holding a visit)"
    )
    for code, count in summary.queries_by_code():
        typer.echo(f"  {code}: {count}")
    if summary.problems:
        raise typer.Exit(code=2)


@payments_app.command("price")
def payments_price(
    rules: Annotated[
        Path, typer.Option("--rules", exists=True, dir_okay=False, help="Payment rules (TOML).")
    ],
    rates: Annotated[
        Path, typer.Option("--rates", exists=True, dir_okay=False, help="Rates (CSV).")
    ],
    visits: Annotated[
        Path, typer.Option("--visits", exists=True, dir_okay=False, help="An ECM visit file.")
    ],
    profile: ProfileOption = "caremarket",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write every line to this CSV file.")
    ] = None,
) -> None:
    """Price an ECM file without a database: every line and the rule that decided it, totals."""
    from caremarket.services.pricing import describe_totals, lines_csv, price_files

    chosen = ecm_profile(profile)
    try:
        pricing = price_files(rules.read_text(encoding="utf-8"), rates, visits, chosen)
    except ImportRejected as rejected:
        show_problems(rejected.problems, "the rates file")
        fail("nothing was priced")
    except DomainError as error:
        fail(str(error))
    for warning in pricing.warnings:
        err.print(f"[yellow]Warning:[/] {warning}", highlight=False)
    show_problems(pricing.problems, visits.name)
    text = lines_csv(pricing)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    for line in describe_totals(pricing):
        (err.print(line, highlight=False, soft_wrap=True) if out is None else typer.echo(line))


class ReportFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    XLSX = "xlsx"


FormatOption = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="How to write the report.")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to this file, not the screen.")
]
OnOption = Annotated[
    datetime | None,
    typer.Option(
        "--on", formats=["%Y-%m-%d"], help="Packages active on this date (default: today)."
    ),
]


def run_report(
    name: str,
    commissioner: str | None,
    on: datetime | None,
    fmt: ReportFormat,
    out: Path | None,
    db: str | None,
    **options: str,
) -> None:
    from caremarket.reports import render
    from caremarket.services import market, reports

    settings = settings_for(db)
    day = on.date() if on else datetime.now(settings.zone).date()
    with users_errors():
        uow = unit_of_work(settings)
        code = commissioner or only_commissioner(market.list_commissioners(uow))
        table = getattr(reports, name)(uow, commissioner=code, on=day, **options)
    if fmt is ReportFormat.XLSX:
        needs_a_file(out)
        write_report(render.as_xlsx(table), out)
    else:
        text = render.as_text(table) if fmt is ReportFormat.TABLE else render.as_csv(table)
        write_report(text, out)


def needs_a_file(out: Path | None) -> None:
    if out is None:
        fail("an Excel report needs --out FILE.xlsx")


def write_report(report: str | bytes, out: Path | None) -> None:
    """Text to the screen, or the report to ``out``, saying so."""
    if out is None:
        assert isinstance(report, str)
        sys.stdout.write(report if report.endswith("\n") else report + "\n")
        return
    if isinstance(report, bytes):
        out.write_bytes(report)
    else:
        out.write_text(report, encoding="utf-8")
    typer.echo(f"Wrote {out}")


def only_commissioner(commissioners: list) -> str:
    if len(commissioners) == 1:
        return commissioners[0].code
    if not commissioners:
        fail(
            "there are no commissioners yet: load a demo (`caremarket demo`)"
            " or import them (`caremarket import commissioners FILE`)"
        )
    fail(
        "say which commissioner with --commissioner: one of "
        + ", ".join(c.code for c in commissioners)
    )


@app.command()
def evaluate(
    file: Annotated[
        Path, typer.Argument(help="The tender evaluation, a TOML file (see docs/evaluation.md).")
    ],
    fmt: FormatOption = ReportFormat.TABLE,
    out: OutOption = None,
) -> None:
    """Score, rank and award a tender's bids from a file, lot by lot: no database needed."""
    from caremarket.tenders.evaluate import evaluation_report

    if fmt is ReportFormat.XLSX:
        needs_a_file(out)
    with users_errors():
        report = evaluation_report(file, fmt.value, today=datetime.now(UTC).date())
    write_report(report, out)


@tender_app.command("import")
def tender_import(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="The tender file (docs/evaluation.md)."
        ),
    ],
    vehicle: Annotated[str, typer.Option("--vehicle", "-v", help="The vehicle it is for.")],
    code: Annotated[
        str | None, typer.Option(help="The tender's code (default: the model's code).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Import a tender file into a vehicle: every problem is reported, and nothing is written
    unless all of it is valid."""
    from caremarket.services import tenders

    with users_errors():
        imported = tenders.import_tender(
            unit_of_work(settings_for(db)),
            file.read_text(encoding="utf-8"),
            vehicle=vehicle,
            code=code,
            source=file.name,
            by=command_line_actor(),
            now=datetime.now(UTC),
        )
    typer.echo(f"Imported tender {imported.code} ({imported.name}) for vehicle {vehicle}:")
    for lot in imported.lots:
        if lot.bids:
            typer.echo(f"  lot {lot.code}: {lot.bids} bids, {lot.status}")


@tender_app.command("report")
def tender_report(
    code: Annotated[str, typer.Argument(help="The tender's code.")],
    lot: Annotated[str | None, typer.Option(help="Only this lot (default: every lot).")] = None,
    fmt: FormatOption = ReportFormat.TABLE,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """A tender's evaluation report from the database: every score, total, rank and outcome,
    and how the rank came out."""
    from caremarket.services import tender_views
    from caremarket.tenders.evaluate import render_evaluations

    if fmt is ReportFormat.XLSX:
        needs_a_file(out)
    settings = settings_for(db)
    with users_errors():
        uow = unit_of_work(settings)
        summary = tender_views.tender_summary(uow, code)
        if lot is None:
            _, evaluations = tender_views.evaluate_all(uow, code)
        else:
            evaluations = (tender_views.evaluate(uow, code, lot),)
    if not evaluations:
        fail(f"tender {code} has no bids yet")
    report = render_evaluations(
        summary.name,
        summary.model_description,
        evaluations,
        fmt.value,
        commissioner=", ".join(summary.commissioners) or summary.vehicle,
        on=datetime.now(settings.zone).date(),
    )
    write_report(report, out)


@report_app.command("zones")
def report_zones(
    commissioner: CommissionerOption = None,
    on: OnOption = None,
    fmt: FormatOption = ReportFormat.TABLE,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Zone demand: clients, weekly and annual hours, indicative annual cost by pathway and zone."""
    run_report("zone_demand", commissioner, on, fmt, out, db)


class ShareBy(StrEnum):
    TIER = "tier"
    PROVIDER = "provider"


@report_app.command("market-share")
def report_market_share(
    commissioner: CommissionerOption = None,
    on: OnOption = None,
    by: Annotated[
        ShareBy, typer.Option(help="Group by provider tier or by provider.")
    ] = ShareBy.TIER,
    fmt: FormatOption = ReportFormat.TABLE,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Market share: people, hours and value a week and a year, by tier or provider."""
    run_report("market_share", commissioner, on, fmt, out, db, by=by.value)


@report_app.command("vehicle-use")
def report_vehicle_use(
    vehicle: Annotated[str, typer.Option("--vehicle", "-v", help="The vehicle's code.")],
    on: OnOption = None,
    fmt: FormatOption = ReportFormat.TABLE,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Vehicle use: each commissioner's call-offs from a shared vehicle, at its own rates."""
    from caremarket.reports import render
    from caremarket.services import reports

    settings = settings_for(db)
    day = on.date() if on else datetime.now(settings.zone).date()
    if fmt is ReportFormat.XLSX:
        needs_a_file(out)
    with users_errors():
        table = reports.vehicle_use(unit_of_work(settings), vehicle=vehicle, on=day)
    if fmt is ReportFormat.XLSX:
        write_report(render.as_xlsx(table), out)
    else:
        write_report(
            render.as_text(table) if fmt is ReportFormat.TABLE else render.as_csv(table), out
        )


@report_app.command("concentration")
def report_concentration(
    commissioner: CommissionerOption = None,
    on: OnOption = None,
    fmt: FormatOption = ReportFormat.TABLE,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Concentration: top-10 share and HHI of weekly hours, own and across shared vehicles."""
    run_intelligence("concentration", commissioner, None, on, fmt, out, db)


FromOption = Annotated[
    datetime | None,
    typer.Option(
        "--from", formats=["%Y-%m-%d"], help="The period's first day (default: 13 weeks to --to)."
    ),
]
ToOption = Annotated[
    datetime | None,
    typer.Option(
        "--to", "--on", formats=["%Y-%m-%d"], help="The period's last day (default: today)."
    ),
]
PERIOD_REPORTS = {
    "waiting-list": (
        "waiting_list",
        "The waiting list over time: people, hours, days waiting per snapshot.",
    ),
    "waiting-list-by-zone": (
        "waiting_list_by_zone",
        "The waiting list by zone and service at the period's last snapshot.",
    ),
    "time-to-source": (
        "time_to_source",
        "Time to source: request to first offer, award and start (median, 90th percentile).",
    ),
    "delayed-discharges": (
        "delayed_discharges",
        "Delayed discharges: delay days awaiting a package of care, by week.",
    ),
    "hand-backs": ("hand_backs", "Hand-backs by provider and reason, and provider exits."),
    "response-times": (
        "response_times",
        "Offers' response times against the contract's target, by provider.",
    ),
    "delivered-hours": (
        "delivered_hours",
        "Delivered versus planned hours from the ECM records, by provider, zone and week.",
    ),
}


def _period_report(service: str, summary: str) -> Callable[..., None]:
    def command(
        commissioner: CommissionerOption = None,
        since: FromOption = None,
        to: ToOption = None,
        fmt: FormatOption = ReportFormat.TABLE,
        out: OutOption = None,
        db: DbOption = None,
    ) -> None:
        run_intelligence(service, commissioner, since, to, fmt, out, db)

    command.__doc__ = summary
    return command


for _name, (_service, _summary) in PERIOD_REPORTS.items():
    report_app.command(_name)(_period_report(_service, _summary))


@report_app.command("spend-by-funder")
def report_spend_by_funder(
    commissioner: CommissionerOption = None,
    since: FromOption = None,
    to: ToOption = None,
    drafts: Annotated[
        bool, typer.Option("--drafts", help="Count draft payment runs too (approved only).")
    ] = False,
    fmt: FormatOption = ReportFormat.TABLE,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Spend by funder from the payment runs: by provider, zone, week and run."""
    run_intelligence("spend_by_funder", commissioner, since, to, fmt, out, db, drafts=drafts)


def run_intelligence(
    name: str,
    commissioner: str | None,
    since: datetime | None,
    on: datetime | None,
    fmt: ReportFormat,
    out: Path | None,
    db: str | None,
    **options: bool,
) -> None:
    """A market-intelligence report: on a day, or over a period (`since` given or not)."""
    from caremarket.reports import render
    from caremarket.services import intelligence, market
    from caremarket.web.report_files import default_since

    settings = settings_for(db)
    day = on.date() if on else datetime.now(settings.zone).date()
    if fmt is ReportFormat.XLSX:
        needs_a_file(out)
    with users_errors():
        uow = unit_of_work(settings)
        code = commissioner or only_commissioner(market.list_commissioners(uow))
        run = getattr(intelligence, name)
        if name == "concentration":
            table = run(uow, commissioner=code, on=day)
        else:
            first = since.date() if since else default_since(day)
            if first > day:
                fail("the period's first day (--from) is after its last (--to)")
            table = run(uow, commissioner=code, since=first, on=day, **options)
    if fmt is ReportFormat.XLSX:
        write_report(render.as_xlsx(table), out)
    else:
        write_report(
            render.as_text(table) if fmt is ReportFormat.TABLE else render.as_csv(table), out
        )


class PackFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"
    BOTH = "both"


@report_app.command("pack")
def report_pack(
    commissioner: CommissionerOption = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="FROM..TO, e.g. 2026-09-01..2026-11-30 (or --from/--to)."),
    ] = None,
    since: FromOption = None,
    to: ToOption = None,
    fmt: Annotated[
        PackFormat, typer.Option("--format", "-f", help="html, pdf or both.")
    ] = PackFormat.BOTH,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="A folder (default: here), or a .html or .pdf file for one format."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """The committee pack: every report's table and chart for a period, as HTML and PDF."""
    from caremarket.services import market
    from caremarket.web.committee_pack import committee_pack, pack_file
    from caremarket.web.report_files import default_since

    settings = settings_for(db)
    if period is not None:
        if since or to:
            fail("give the period as --period FROM..TO or as --from and --to, not both")
        first, last = period_of(period)
    else:
        last = to.date() if to else datetime.now(settings.zone).date()
        first = since.date() if since else default_since(last)
    if first > last:
        fail("the period's first day is after its last")
    formats = ["html", "pdf"] if fmt is PackFormat.BOTH else [fmt.value]
    with users_errors():
        uow = unit_of_work(settings)
        code = commissioner or only_commissioner(market.list_commissioners(uow))
        produced = datetime.now(settings.zone).replace(tzinfo=None)
        pack = committee_pack(uow, commissioner=code, since=first, on=last, produced_at=produced)
    for file_format in formats:
        made = pack_file(pack, file_format)
        if out is not None and len(formats) == 1 and out.suffix.lower() in (".html", ".pdf"):
            target = out  # a file; anything else is a folder
        else:
            folder = out or Path.cwd()
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / made.filename
        write_report(made.content, target)


def period_of(text: str) -> tuple[date, date]:
    """'2026-09-01..2026-11-30' as its first and last days."""
    first, sep, last = text.partition("..")
    try:
        if not sep:
            raise ValueError
        return date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
    except ValueError:
        fail(f"the period {text!r} is not FROM..TO with dates like 2026-09-01..2026-11-30")


waiting_app = typer.Typer(
    help="The waiting list: as it stands (with no command), or a snapshot kept for the reports.",
    invoke_without_command=True,
)
app.add_typer(waiting_app, name="waiting-list")


@waiting_app.callback()
def waiting_list_now(
    context: typer.Context,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """Packages no provider has taken, neediest first, with what the providers said; or
    `snapshot` to keep the list for the waiting-list reports."""
    if context.invoked_subcommand is None:
        waiting_list(on, db)


@waiting_app.command("snapshot")
def waiting_list_snapshot(
    commissioner: Annotated[
        str | None, typer.Option("--commissioner", "-c", help="Only this commissioner (code).")
    ] = None,
    on: Annotated[
        datetime | None,
        typer.Option("--on", formats=["%Y-%m-%d"], help="The snapshot's day (default: today)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Keep the waiting list as it stands: one snapshot per commissioner per day (a second
    the same day is skipped), a row per package waiting."""
    from caremarket.services import intelligence

    settings = settings_for(db)
    now = datetime.now(UTC)
    day = on.date() if on else now.astimezone(settings.zone).date()
    with users_errors():
        done = intelligence.take_waiting_list_snapshots(
            unit_of_work(settings),
            on=day,
            now=now,
            by="caremarket waiting-list snapshot",
            commissioner=commissioner,
        )
    for snapshot in done:
        said = "kept" if snapshot.taken else "already kept today"
        typer.echo(
            f"{snapshot.commissioner}: {snapshot.waiting} waiting on {day.isoformat()} ({said})"
        )


users_app = typer.Typer(help="People's accounts for the web pages.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for other systems (ECM, finance).", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")

RoleOption = Annotated[Role, typer.Option("--role", "-r", help="What the account may do.")]
ProviderOption = Annotated[
    str | None, typer.Option("--provider", "-p", help="The provider (for the provider role).")
]


def command_line_actor() -> Actor:
    """The person at the terminal, as the audit trail names them."""
    return Actor(f"cli:{getpass.getuser()}", Role.ADMIN)


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="The person's e-mail address (their sign-in).")],
    name: Annotated[str, typer.Option("--name", "-n", help="Their name, as pages show it.")],
    role: RoleOption,
    provider: ProviderOption = None,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="CAREMARKET_NEW_PASSWORD",
            help="Their password (12+ characters); asked for when not given.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Add a person's account."""
    from caremarket.services import accounts

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with users_errors():
        added = accounts.add_user(
            unit_of_work(settings_for(db)),
            email=email,
            name=name,
            role=role,
            password=password,
            provider=provider,
            by=command_line_actor(),
            now=datetime.now(UTC),
        )
    typer.echo(f"Added {added.email} as {role.label}" + (f" of {provider}" if provider else ""))


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="What the token is for, e.g. 'ECM feed'.")],
    role: RoleOption,
    provider: ProviderOption = None,
    db: DbOption = None,
) -> None:
    """Create an API token; it is shown once, here, and never again."""
    from caremarket.services import accounts

    with users_errors():
        issued = accounts.create_token(
            unit_of_work(settings_for(db)),
            name=name,
            role=role,
            provider=provider,
            by=command_line_actor(),
            now=datetime.now(UTC),
        )
    typer.echo(
        f"Token for {issued.name} ({issued.role.label}); keep it now, it is not shown again:"
    )
    typer.echo(issued.secret)


@tokens_app.command("revoke")
def tokens_revoke(
    prefix: Annotated[str, typer.Argument(help="The token's first characters, as listed.")],
    db: DbOption = None,
) -> None:
    """Revoke an API token at once."""
    from caremarket.services import accounts

    with users_errors():
        accounts.revoke_token(
            unit_of_work(settings_for(db)),
            prefix=prefix,
            by=command_line_actor(),
            now=datetime.now(UTC),
        )
    typer.echo(f"Revoked the token {prefix}")


@policy_app.command("show")
def policy_show(commissioner: CommissionerOption = None, db: DbOption = None) -> None:
    """Each commissioner's sourcing policy and its lots' own, described."""
    from caremarket.rehearsals.narrative import moment
    from caremarket.services.policies import list_policies

    with users_errors():
        listed = list_policies(unit_of_work(settings_for(db)), commissioner)
    if not listed:
        fail("there are no commissioners yet: load a demo or import them")
    for owner in listed:
        typer.echo(f"{owner.code} {owner.name}")
        if owner.policy is None:
            typer.echo(
                f"  no policy yet: its packages cannot be sourced until one is set"
                f" (caremarket policy set {owner.code} PRESET)"
            )
        for policy in (owner.policy, *owner.lots):
            if policy is None:
                continue
            typer.echo(f"  {policy.applies_to}: {policy.code} ({policy.name})")
            typer.echo(f"    {policy.stages}")
            typer.echo(f"    set {moment(policy.set_at)} by {policy.set_by}")
        typer.echo("")


@policy_app.command("set")
def policy_set(
    commissioner: Annotated[str, typer.Argument(help="The commissioner's code.")],
    policy: Annotated[
        str, typer.Argument(help="A preset (see `caremarket policy presets`) or a FILE.toml.")
    ],
    vehicle: Annotated[
        str | None, typer.Option(help="With --lot: set the policy of this vehicle's lot only.")
    ] = None,
    lot: Annotated[str | None, typer.Option(help="The lot's code, with --vehicle.")] = None,
    db: DbOption = None,
) -> None:
    """Set a commissioner's sourcing policy, or one lot's; rounds under way keep theirs."""
    from caremarket.services import brokerage
    from caremarket.services.policies import chosen_policy

    if (vehicle is None) != (lot is None):
        fail("give both --vehicle and --lot to set one lot's policy, or neither")
    with users_errors():
        chosen = brokerage.set_policy(
            unit_of_work(settings_for(db)),
            commissioner,
            chosen_policy(policy),
            lot=(vehicle, lot) if vehicle and lot else None,
            by=command_line_actor(),
            now=datetime.now(UTC),
        )
    where = f"lot {vehicle}/{lot} of {commissioner}" if vehicle else commissioner
    typer.echo(f"{where} now sources under {chosen.code}: {chosen.describe()}")


@policy_app.command("presets")
def policy_presets() -> None:
    """The councils' models, ready to set."""
    from caremarket.domain.policies import PRESETS

    for preset in PRESETS.values():
        typer.echo(f"{preset.code}: {preset.name}")
        typer.echo(f"    {preset.describe()}")


NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="The moment to tick at, ISO 8601 (London time unless it has an offset); default: now.",
    ),
]


@app.command()
def tick(db: DbOption = None, now: NowOption = None) -> None:
    """Move on every sourcing round whose window has closed. Safe to run at any time, and
    twice: a round already moved on is left alone."""
    from caremarket.holidays import working_week
    from caremarket.services import brokerage

    settings = settings_for(db)
    with users_errors():
        uow = unit_of_work(settings)
        result = brokerage.tick(uow, now=moment_given(now, settings), week=working_week())
    typer.echo(str(result))
    if settings.smtp_host:
        from caremarket.mail import SmtpMailer
        from caremarket.services.delivery import deliver_notifications

        with SmtpMailer(settings) as mailer:
            sent = deliver_notifications(uow, mailer, now=datetime.now(UTC))
        typer.echo(f"{sent} e-mail{'s' if sent != 1 else ''} sent")


def moment_given(text: str | None, settings: Settings) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        fail(f"--now {text!r} is not a date and time like 2026-11-23T10:00")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=settings.zone)


@app.command()
def source(
    reference: Annotated[str, typer.Argument(help="The requested package's reference.")],
    db: DbOption = None,
) -> None:
    """Start sourcing a requested package under its commissioner's policy."""
    from caremarket.holidays import working_week
    from caremarket.rehearsals.narrative import changes
    from caremarket.services import brokerage

    with users_errors():
        sourcing = brokerage.start_sourcing(
            unit_of_work(settings_for(db)),
            reference,
            by=command_line_actor(),
            now=datetime.now(UTC),
            week=working_week(),
        )
    for happening in changes(None, sourcing.state):
        typer.echo(f"{reference}: {happening}")


def waiting_list(
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """Packages no provider has taken, neediest first, with what the providers said."""
    from rich.table import Table

    from caremarket.services import sourcing_views

    settings = settings_for(db)
    day = on.date() if on else datetime.now(settings.zone).date()
    with users_errors():
        entries = sourcing_views.waiting_list(unit_of_work(settings), on=day)
    if not entries:
        typer.echo(f"Nobody is waiting on {day:%d %B %Y}.")
        return
    table = Table(title=f"Waiting list, {day:%d %B %Y}: neediest first", title_justify="left")
    for column in ("#", "Package", "Zone", "Service", "Hours a week", "Need score"):
        table.add_column(column, justify="right" if column in ("#", "Hours a week") else "left")
    table.add_column("Why", overflow="fold")
    for number, entry in enumerate(entries, start=1):
        why = [f"{entry.risk} risk", f"waiting {entry.days_waiting} days"]
        if entry.carer_breakdown:
            why.append("carer breakdown")
        if entry.delay_days:
            why.append(f"{entry.delay_days} days' delayed discharge")
        why.extend(entry.reasons)
        table.add_row(
            str(number),
            f"{entry.reference} ({entry.commissioner})",
            entry.zone,
            entry.service,
            f"{entry.weekly_hours.normalize():f}",
            str(entry.need_score),
            "; ".join(why),
        )
    Console(width=max(120, Console().width)).print(table)


@app.command()
def rehearse(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="The rehearsal (TOML; docs/rehearsals.md).",
        ),
    ],
) -> None:
    """Replay a scripted day against a fresh copy of a market, on a simulated clock, and show
    what the sourcing policy did, event by event, and each package's outcome."""
    from caremarket.db.scratch import scratch_sqlite
    from caremarket.holidays import working_week
    from caremarket.rehearsals.report import as_text
    from caremarket.rehearsals.script import load_script
    from caremarket.services.rehearsal import rehearse as replay

    with users_errors():
        script = load_script(file)
        with scratch_sqlite() as engine:
            result = replay(
                SqlUnitOfWork(make_session_factory(engine)), script, week=working_week()
            )
    sys.stdout.write(as_text(result))


class RegisterFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"


@app.command()
def contracts(
    commissioner: Annotated[
        str | None, typer.Option("--commissioner", "-c", help="Only on this commissioner's terms.")
    ] = None,
    vehicle: Annotated[str | None, typer.Option(help="Only under this vehicle (its code).")] = None,
    expiring_before: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="Only those in force (or not started) ending before this."
        ),
    ] = None,
    on: Annotated[
        datetime | None,
        typer.Option("--on", formats=["%Y-%m-%d"], help="Status and uplifts on (default: today)."),
    ] = None,
    fmt: Annotated[
        RegisterFormat, typer.Option("--format", "-f", help="A table, or CSV.")
    ] = RegisterFormat.TABLE,
    db: DbOption = None,
) -> None:
    """The contract register: each contract's start, end as things stand, next extension and
    its decide-by date, latest possible end, status and the uplift in force."""
    from caremarket.reports import render
    from caremarket.services import contracts as contract_register

    settings = settings_for(db)
    day = on.date() if on else datetime.now(settings.zone).date()
    with users_errors():
        rows = contract_register.contract_register(
            unit_of_work(settings),
            viewer=command_line_actor(),
            on=day,
            commissioner=commissioner,
            vehicle=vehicle,
            expiring_before=expiring_before.date() if expiring_before else None,
        )
    table = contract_register.register_table(
        rows, on=day, whose=commissioner or "every commissioner"
    )
    write_report(
        render.as_text(table) if fmt is RegisterFormat.TABLE else render.as_csv(table), None
    )


# Payments -------------------------------------------------------------------------------------

OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Write the CSV to FILE.")]


@payments_app.command("rules")
def payments_rules(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="A TOML file of payment rules.")
    ],
    db: DbOption = None,
) -> None:
    """Keep payment rules under their name (`name = ...` in the file; docs/payments.md)."""
    import tomllib

    from caremarket.services import payments

    with users_errors():
        try:
            values = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            fail(f"{file.name}: {error}")
        rules = payments.set_payment_rules(
            unit_of_work(settings_for(db)), values, by=command_line_actor(), now=datetime.now(UTC)
        )
    typer.echo(f"Payment rules {rules.describe()}")


@payments_app.command("run")
def payments_run(
    commissioner: Annotated[str, typer.Option("--commissioner", "-c", help="Its code.")],
    first: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    last: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"])],
    db: DbOption = None,
) -> None:
    """Make a draft payment run for a week or four weeks (or make its draft again)."""
    from caremarket.domain.payment_runs import run_reference
    from caremarket.domain.schedules import DateRange
    from caremarket.services import payment_views, payments

    settings = settings_for(db)
    actor, now = command_line_actor(), datetime.now(UTC)
    with users_errors():
        uow = unit_of_work(settings)
        reference = run_reference(commissioner, DateRange(first.date(), last.date()))
        with uow:
            draft = uow.payment_runs.find(reference)
        if draft is not None and draft.period == DateRange(first.date(), last.date()):
            run = payments.refresh_run(uow, reference, by=actor, now=now)
        else:
            run = payments.create_run(
                uow, commissioner, first.date(), last.date(), by=actor, now=now
            )
        detail = payment_views.run_detail(uow, run.reference, viewer=actor)
    typer.echo(f"Payment run {run.reference} ({run.status}):")
    for totals in detail.totals:
        typer.echo(
            f"  {totals.provider}: {totals.lines} lines, £{totals.paid:,.2f} paid,"
            f" {totals.held_lines} held (£{totals.held:,.2f})"
        )
    typer.echo(f"  total paid: £{detail.paid:,.2f}")


@payments_app.command("extend")
def payments_extend(
    provider: Annotated[str, typer.Option("--provider", "-p", help="The provider's name.")],
    visit: Annotated[str, typer.Option("--visit", help="The provider's visit ID.")],
    minutes: Annotated[int, typer.Option("--minutes", help="Beyond planned; 0 withdraws it.")],
    note: Annotated[str | None, typer.Option("--note", help="Why it was authorised.")] = None,
    db: DbOption = None,
) -> None:
    """Authorise a visit's over-run: up to MINUTES beyond planned may be paid (docs/payments.md,
    "Authorised extensions")."""
    from caremarket.services import payments

    with users_errors():
        payments.authorise_extension(
            unit_of_work(settings_for(db)),
            minutes,
            provider=provider,
            visit_id=visit,
            note=note,
            by=command_line_actor(),
            now=datetime.now(UTC),
        )
    typer.echo(f"Authorised {minutes} more minutes for visit {visit} of {provider}")


@payments_app.command("contribution")
def payments_contribution(
    package: Annotated[str, typer.Argument(help="The package's reference.")],
    weekly: Annotated[
        str, typer.Option("--weekly", help="Pounds a week, e.g. 20.00; 0 takes it away.")
    ],
    db: DbOption = None,
) -> None:
    """The person's assessed contribution to a package, pounds a week (docs/payments.md)."""
    from decimal import Decimal, InvalidOperation

    from caremarket.services import payments

    try:
        amount = Decimal(weekly.lstrip("£"))
    except InvalidOperation:
        fail(f"{weekly!r} is not pounds and pence")
    with users_errors():
        try:
            payments.set_assessed_contribution(
                unit_of_work(settings_for(db)),
                package,
                amount or None,
                by=command_line_actor(),
                now=datetime.now(UTC),
            )
        except ValueError as error:
            fail(str(error))
    typer.echo(f"{package}: the person's assessed contribution is £{amount:,.2f} a week")


@payments_app.command("approve")
def payments_approve(
    reference: Annotated[str, typer.Argument(help="The run's reference.")], db: DbOption = None
) -> None:
    """Approve a run: it cannot change after; corrections go in a later run."""
    from caremarket.services import payments

    with users_errors():
        run = payments.approve_run(
            unit_of_work(settings_for(db)),
            reference,
            by=command_line_actor(),
            now=datetime.now(UTC),
        )
    typer.echo(f"Approved payment run {run.reference}")


@payments_app.command("remittance")
def payments_remittance(
    reference: Annotated[str, typer.Argument(help="The run's reference.")],
    provider: Annotated[str, typer.Option("--provider", "-p", help="The provider's name.")],
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """A provider's remittance advice, as CSV."""
    from caremarket.reports import render
    from caremarket.services import payment_views

    with users_errors():
        table = payment_views.remittance(
            unit_of_work(settings_for(db)),
            reference,
            provider=provider,
            viewer=command_line_actor(),
        )
    write_report(render.as_csv(table), out)


@payments_app.command("export")
def payments_export(
    reference: Annotated[str, typer.Argument(help="The run's reference.")],
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """The run for the finance system (docs/formats.md, "Payment run export")."""
    from caremarket.reports import render
    from caremarket.services import payment_views

    with users_errors():
        table = payment_views.finance_export(
            unit_of_work(settings_for(db)), reference, viewer=command_line_actor()
        )
    write_report(render.as_csv(table), out)


@payments_app.command("reconcile")
def payments_reconcile(
    invoice: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="The provider's invoice CSV.")
    ],
    provider: Annotated[str, typer.Option("--provider", "-p", help="The provider's name.")],
    run: Annotated[str, typer.Option("--run", help="The payment run's reference.")],
    reference: Annotated[
        str | None, typer.Option(help="The invoice's reference (default: the file's name).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Match a provider's invoice line by line to a run and show what differs."""
    from caremarket.services import payments

    with users_errors():
        result = payments.reconcile_invoice(
            unit_of_work(settings_for(db)),
            invoice,
            provider=provider,
            run=run,
            reference=reference or invoice.stem,
            by=command_line_actor(),
            now=datetime.now(UTC),
        )
    typer.echo(
        f"Invoice {result.invoice.reference}: {len(result.invoice.lines)} lines,"
        f" {result.matched} agree with run {run}"
    )
    for d in result.differences:
        minutes = f"{d.invoiced_minutes or '-'} / {d.paid_minutes or '-'} min"
        typer.echo(
            f"  {d.day:%d/%m/%Y} {d.visit_id or '-'} {d.package_reference or '-'}:"
            f" {d.difference}; {minutes}; invoiced £{d.invoiced:,.2f}, paid £{d.paid:,.2f}"
        )
    typer.echo(
        f"Invoiced £{result.invoiced:,.2f}; the run pays £{result.paid:,.2f};"
        f" difference £{result.difference:,.2f}"
    )


from caremarket import (  # noqa: E402, F401  (their commands join the apps)
    cost_of_care_commands,
    simulation_commands,
    zone_commands,
)
