"""Text no form needs and the databases cannot store (a NUL character, an unpaired surrogate) is
refused at the boundary with the field that holds it — in a body, a path or a query — before any
handler could send it to the database (the local server answered such a lookup with an error,
which the API reported as the database being unavailable)."""

import httpx
import pytest

from motcua_platform.http.app import create_app
from motcua_platform.http.inputs import RequestBody, normalise
from motcua_platform.metrics import PlatformMetrics


async def ready() -> dict[str, bool]:
    return {"database": True}


class Complaint(RequestBody):
    dossier_code: str
    content: str


def app() -> httpx.AsyncClient:
    api = create_app(title="t", metrics=PlatformMetrics("t"), readiness=ready)

    @api.post("/complaints")
    async def file(body: Complaint) -> dict[str, str]:
        return {"dossier_code": body.dossier_code}

    @api.get("/dossiers/{code}")
    async def lookup(code: str, unit: str = "") -> dict[str, str]:
        return {"code": code, "unit": unit}

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://test")


@pytest.mark.parametrize("value", ["H15\x00.01", "Nguy\ud800n"], ids=["NUL", "unpaired surrogate"])
def test_normalise_refuses_unstorable_text_in_values_and_keys(value: str) -> None:
    with pytest.raises(ValueError, match=r"contact\.name"):
        normalise({"contact": {"name": value}})
    with pytest.raises(ValueError, match="contact"):
        normalise({"contact": {value: "x"}})
    assert normalise({"contact": {"name": "Nguyễn Văn An"}}) == {
        "contact": {"name": "Nguyễn Văn An"}
    }


async def test_a_body_field_with_a_nul_is_a_422_naming_it() -> None:
    async with app() as client:
        body = '{"dossier_code": "H15.01.36-240304-\\u00000001", "content": "x"}'
        r = await client.post(
            "/complaints", content=body, headers={"Content-Type": "application/json"}
        )
        assert r.status_code == 422, r.text
        assert r.json()["error"]["details"]["field"] == "dossier_code"
        ok = await client.post("/complaints", json={"dossier_code": "H15", "content": "Tốt"})
        assert ok.status_code == 200


@pytest.mark.parametrize(
    ("url", "part"),
    [("/dossiers/H15%00", "path"), ("/dossiers/H15?unit=H15%00.01", "query")],
)
async def test_a_nul_in_the_path_or_query_is_a_422_naming_the_part(url: str, part: str) -> None:
    async with app() as client:
        r = await client.get(url)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["details"] == {
            "field": part,
            "reason": "contains a NUL character or an unpaired surrogate",
        }
        assert (await client.get("/dossiers/H15?unit=H15.01")).json() == {
            "code": "H15",
            "unit": "H15.01",
        }
