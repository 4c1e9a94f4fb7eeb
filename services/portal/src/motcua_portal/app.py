"""The portal's pages. Thin: each route reads the signed-in citizen from the portal's own
session, calls the services with the citizen's token, renders a template. No business state."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData, UploadFile
from starlette.middleware.sessions import SessionMiddleware

from motcua_portal import display, ratings
from motcua_portal.oidc import OidcClient, SignInFailed
from motcua_portal.services import Feedback, Intake, ServiceError
from motcua_portal.settings import PortalSettings

HERE = Path(__file__).parent
SESSION_COOKIE = "motcua_portal"  # the portal's own; the officials' console uses another
MAX_UPLOAD_BYTES = 10 * 1024 * 1024 + 1  # one byte past intake's limit, so intake says why

templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters.update(
    date_vn=display.date_vn,
    datetime_vn=display.datetime_vn,
    money_vn=display.money_vn,
    days_vn=display.days_vn,
    size_vn=display.size_vn,
    nfc=display.nfc,
)
templates.env.globals.update(
    ONLINE_LEVELS=display.ONLINE_LEVELS, COMPETENT_LEVELS=display.COMPETENT_LEVELS
)


class SignInRequired(Exception):
    pass


class CsrfRejected(Exception):
    pass


def token_of(request: Request) -> str:
    token = request.session.get("token")
    if not token:
        raise SignInRequired()
    return str(token)


def csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(24)
    return str(request.session["csrf"])


def check_csrf(request: Request, form: FormData) -> None:
    sent = form.get("csrf")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, csrf_token(request)):
        raise CsrfRejected()


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.update(
        request=request,
        signed_in=bool(request.session.get("token")),
        citizen_name=request.session.get("name"),
        csrf=csrf_token(request),
    )
    return templates.TemplateResponse(request, name, context, status_code=status)


def create_app(settings: PortalSettings | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    if settings.session_secret is None or not settings.session_secret.get_secret_value():
        raise RuntimeError("MOTCUA_PORTAL_SESSION_SECRET must be set (signs the session cookie)")
    http = httpx.AsyncClient(base_url=settings.intake_url, timeout=30)
    intake = Intake(http)
    feedback = Feedback(httpx.AsyncClient(base_url=settings.feedback_url, timeout=30))
    oidc = OidcClient(
        settings.oidc_issuer,
        settings.oidc_client_id,
        settings.oidc_client_secret.get_secret_value(),
        httpx.AsyncClient(timeout=15),
    )
    callback = f"{settings.base_url}/dang-nhap/xong"

    app = FastAPI(title="Motcua — cổng dịch vụ công", docs_url=None, redoc_url=None)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=8 * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _: Exception) -> Response:
        return RedirectResponse(f"/dang-nhap?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, _: Exception) -> Response:
        return page(request, "error.html", 403, message="Phiên làm việc đã hết hạn, hãy thử lại.")

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceError)
        if exc.status == 401:
            request.session.clear()
            return RedirectResponse("/dang-nhap", status_code=303)
        return page(request, "error.html", exc.status, message=exc.message)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        try:
            ready = (await http.get("/healthz")).status_code == 200
        except httpx.HTTPError:
            ready = False
        return JSONResponse({"intake": ready}, status_code=200 if ready else 503)

    # ------------------------------------------------------------------ sign-in

    @app.get("/dang-nhap", summary="Đăng nhập")
    async def sign_in(request: Request, next: str = "/ho-so") -> Response:
        begun = await oidc.begin(callback)
        request.session["signin"] = {
            "state": begun.state,
            "verifier": begun.verifier,
            "nonce": begun.nonce,
            "next": next if next.startswith("/") and not next.startswith("//") else "/ho-so",
        }
        return RedirectResponse(begun.url, status_code=303)

    @app.get("/dang-nhap/xong", include_in_schema=False)
    async def signed_in(request: Request, code: str = "", state: str = "") -> Response:
        pending = request.session.pop("signin", None)
        if not pending or not code or not secrets.compare_digest(state, pending["state"]):
            return page(request, "error.html", 400, message="Đăng nhập không thành công.")
        try:
            tokens = await oidc.finish(code, callback, pending["verifier"], pending["nonce"])
        except SignInFailed:
            return page(request, "error.html", 400, message="Đăng nhập không thành công.")
        request.session.clear()
        request.session.update(token=tokens.access_token, name=tokens.name)
        return RedirectResponse(pending["next"], status_code=303)

    @app.post("/dang-xuat", summary="Đăng xuất")
    async def sign_out(request: Request) -> Response:
        check_csrf(request, await request.form())
        request.session.clear()
        url = await oidc.logout_url(None, f"{settings.base_url}/")
        return RedirectResponse(url or "/", status_code=303)

    # ------------------------------------------------------------------ catalogue

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return await catalogue(request)

    @app.get("/thu-tuc", response_class=HTMLResponse, summary="Danh mục thủ tục")
    async def catalogue(request: Request, q: str = "") -> Response:
        items = await intake.procedures()
        needle = display.nfc(q).casefold().strip()
        if needle:
            items = [
                p
                for p in items
                if needle in display.nfc(p["name"]).casefold()
                or needle in p["code"]
                or needle in display.nfc(p["field"]).casefold()
            ]
        return page(request, "catalogue.html", items=items, q=q)

    @app.get("/thu-tuc/{code}", response_class=HTMLResponse)
    async def procedure(request: Request, code: str) -> Response:
        return page(request, "procedure.html", p=await intake.procedure(code))

    # ------------------------------------------------------------------ online submission

    async def submission_page(
        request: Request, code: str, errors: list[str], status: int = 200
    ) -> Response:
        token = token_of(request)
        p = await intake.procedure(code)
        me = await intake.me(token)
        residence = me["applicant"].get("residence_unit") or ""
        communes = await intake.communes(residence.split(".")[0]) if residence else []
        earlier = await intake.my_documents(token)
        return page(
            request,
            "submit.html",
            status,
            p=p,
            me=me,
            communes=communes,
            residence=residence,
            earlier=earlier,
            errors=errors,
        )

    @app.get("/thu-tuc/{code}/nop", response_class=HTMLResponse, summary="Nộp hồ sơ trực tuyến")
    async def submission_form(request: Request, code: str) -> Response:
        return await submission_page(request, code, [])

    @app.post("/thu-tuc/{code}/nop", response_class=HTMLResponse)
    async def submit(request: Request, code: str) -> Response:
        token = token_of(request)
        form = await request.form(max_part_size=MAX_UPLOAD_BYTES)
        check_csrf(request, form)
        p = await intake.procedure(code)
        try:
            documents = await documents_from(form, token, p["current"]["components"])
            body: dict[str, Any] = {
                "procedure_code": code,
                "receiving_unit": str(form.get("receiving_unit") or ""),
                "documents": documents,
                "result_delivery": str(form.get("result_delivery") or "online"),
            }
            for name in ("phone", "email"):
                value = display.nfc(form.get(name) or "").strip()
                if value:
                    body[name] = value
            submitted = await intake.submit(token, body, str(form.get("attempt") or uuid.uuid4()))
        except ServiceError as exc:
            if exc.status == 401:
                raise
            return await submission_page(request, code, [exc.message], status=exc.status)
        return RedirectResponse(f"/ho-so/{submitted['code']}?moi=1", status_code=303)

    async def documents_from(
        form: FormData, token: str, components: list[dict[str, Any]]
    ) -> list[dict[str, str]]:
        """Each component: a new file uploaded now, or a file of an earlier dossier reused."""
        documents = []
        for component in components:
            code = component["code"]
            upload = form.get(f"file_{code}")
            reuse = form.get(f"reuse_{code}")
            if isinstance(upload, UploadFile) and upload.filename:
                data = await upload.read()
                stored = await intake.upload(
                    token, upload.filename, data, upload.content_type or "application/octet-stream"
                )
                documents.append({"component": code, "file_key": stored["key"]})
            elif isinstance(reuse, str) and reuse:
                documents.append({"component": code, "file_key": reuse})
        return documents

    # ------------------------------------------------------------------ my dossiers

    @app.get("/ho-so", response_class=HTMLResponse, summary="Hồ sơ của tôi")
    async def my_dossiers(request: Request) -> Response:
        items = await intake.my_dossiers(token_of(request))
        return page(request, "dossiers.html", items=items)

    async def dossier_page(
        request: Request, code: str, errors: list[str], status: int = 200
    ) -> Response:
        token = token_of(request)
        d = await intake.my_dossier(token, code)
        p = await intake.procedure(d["procedure_code"])
        names = {c["code"]: c["name"] for c in p["current"]["components"]}
        open_request = next(
            (
                r
                for r in reversed(d["supplement_requests"])
                if r["answered_at"] is None and d["status"] == 5
            ),
            None,
        )
        return page(
            request,
            "dossier.html",
            status,
            d=d,
            names=names,
            open_request=open_request,
            new=request.query_params.get("moi") == "1",
            errors=errors,
        )

    @app.get("/ho-so/{code}", response_class=HTMLResponse)
    async def my_dossier(request: Request, code: str) -> Response:
        return await dossier_page(request, code, [])

    @app.post("/ho-so/{code}/bo-sung", response_class=HTMLResponse, summary="Bổ sung hồ sơ")
    async def supplement(request: Request, code: str) -> Response:
        token = token_of(request)
        form = await request.form(max_part_size=MAX_UPLOAD_BYTES)
        check_csrf(request, form)
        d = await intake.my_dossier(token, code)
        wanted = [
            {"code": c}
            for r in d["supplement_requests"]
            if r["answered_at"] is None
            for c in r["missing_components"]
        ]
        try:
            documents = await documents_from(form, token, wanted)
            if not documents:
                return await dossier_page(request, code, ["Hãy chọn tệp cần bổ sung."], 422)
            await intake.supplement(token, code, {"documents": documents})
        except ServiceError as exc:
            if exc.status == 401:
                raise
            return await dossier_page(request, code, [exc.message], status=exc.status)
        return RedirectResponse(f"/ho-so/{code}", status_code=303)

    @app.get("/ho-so/{code}/tep/{key:path}", summary="Tải tệp của hồ sơ")
    async def download(request: Request, code: str, key: str) -> Response:
        r = await intake.download(token_of(request), code, key)
        return Response(
            r.content,
            media_type=r.headers.get("content-type"),
            headers={
                "Content-Disposition": r.headers.get("content-disposition", "attachment"),
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    # ------------------------------------------------------------------ online rating

    @app.get("/ho-so/{code}/danh-gia", response_class=HTMLResponse, summary="Đánh giá")
    async def rating_form(request: Request, code: str) -> Response:
        wanted = await feedback.rating_request(token_of(request), code)
        return page(request, "rating.html", code=code, wanted=wanted, r=ratings, errors=[])

    @app.post("/ho-so/{code}/danh-gia", response_class=HTMLResponse)
    async def rate(request: Request, code: str) -> Response:
        token = token_of(request)
        form = await request.form()
        check_csrf(request, form)
        wanted = await feedback.rating_request(token, code)
        body = {
            "dossier_code": code,
            "overall": str(form.get("overall") or ""),
            "indicators": {
                q.key: int(str(form[f"q{q.key}"]))
                for q in ratings.QUESTIONS
                if str(form.get(f"q{q.key}") or "").isdigit()
            },
            "channel": "online",
            "token": wanted.get("token"),
        }
        try:
            await feedback.rate(body)
        except ServiceError as exc:
            return page(
                request,
                "rating.html",
                exc.status,
                code=code,
                wanted=wanted,
                r=ratings,
                errors=[exc.message],
            )
        return page(request, "thanks.html", code=code)

    # ------------------------------------------------------------------ complaints (PAKN)

    @app.get("/phan-anh", response_class=HTMLResponse, summary="Phản ánh, kiến nghị")
    async def complaint_form(request: Request, ho_so: str = "") -> Response:
        token = token_of(request)
        me = await intake.me(token)
        filed = request.session.get("pakn", [])
        return page(
            request,
            "complaint.html",
            me=me,
            dossier=ho_so,
            topics=ratings.COMPLAINT_TOPICS,
            filed=filed,
            errors=[],
        )

    @app.post("/phan-anh", response_class=HTMLResponse)
    async def file_complaint(request: Request) -> Response:
        token = token_of(request)
        form = await request.form()
        check_csrf(request, form)
        me = await intake.me(token)
        applicant = me["applicant"]
        dossier = str(form.get("dossier_code") or "").strip()
        unit = applicant.get("residence_unit")
        if dossier:
            unit = (await intake.my_dossier(token, dossier))["receiving_unit"]
        body: dict[str, Any] = {
            "topic": display.nfc(form.get("topic") or "Khác"),
            "content": display.nfc(form.get("content") or "").strip(),
            # The contact comes from the registry, as every other form: nothing to type.
            "contact": {
                k: v
                for k, v in {
                    "full_name": applicant.get("full_name") or request.session.get("name"),
                    "phone": applicant.get("phone"),
                    "email": applicant.get("email"),
                }.items()
                if v
            },
            "unit": unit,
        }
        if dossier:
            body["dossier_code"] = dossier
        try:
            filed = await feedback.file_complaint(body)
        except ServiceError as exc:
            return page(
                request,
                "complaint.html",
                exc.status,
                me=me,
                dossier=dossier,
                topics=ratings.COMPLAINT_TOPICS,
                filed=request.session.get("pakn", []),
                errors=[exc.message],
            )
        # The complaint's secret lets its author read the answer; kept in this session only.
        mine = [*request.session.get("pakn", []), {"id": filed["id"], "secret": filed["secret"]}]
        request.session["pakn"] = mine[-10:]
        return RedirectResponse(f"/phan-anh/{filed['id']}", status_code=303)

    @app.get("/phan-anh/{complaint_id}", response_class=HTMLResponse)
    async def complaint(request: Request, complaint_id: str) -> Response:
        token_of(request)
        mine = {c["id"]: c["secret"] for c in request.session.get("pakn", [])}
        if complaint_id not in mine:
            return page(request, "error.html", 404, message="Không tìm thấy phản ánh này.")
        c = await feedback.complaint(complaint_id, mine[complaint_id])
        return page(request, "complaint_view.html", c=c, secret=mine[complaint_id])

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; form-action 'self' " + settings.oidc_issuer.split("/realms")[0],
        )
        return response

    return app
