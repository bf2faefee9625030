"""Deterministic seed data: the partners, their keys, and their tenants.

Everything comes from one ``random.Random(seed)``: the same seed gives the same ids,
names, balances and hotlines, so tests and demos can rely on them.
"""

from __future__ import annotations

import random
import unicodedata

from gateway.sandbox.records import PACKAGES, Partner, Tenant

__all__ = [
    "DEMO_PARTNER_KEY",
    "DEMO_TENANT_KEY",
    "OTHER_PARTNER_KEY",
    "SUSPENDED_PARTNER_KEY",
    "hotline",
    "new_id",
    "seed_partners",
    "seed_tenants",
    "slug",
]

DEMO_PARTNER_KEY = "demo-partner-key"
OTHER_PARTNER_KEY = "other-partner-key"
SUSPENDED_PARTNER_KEY = "suspended-partner-key"
# A tenant user's key (not a partner's): its token gets partner_invalid.
DEMO_TENANT_KEY = "demo-tenant-key"
BIG_BALANCE = 5_000_000_000  # above 2^31, on purpose

# Fixed, so seeded dates do not move between runs: 2023-11-14T22:13:20Z.
BASE_MS = 1_700_000_000_000
DAY_MS = 86_400_000

_FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Doanh nghiệp tư nhân", "Công ty TNHH MTV")
_TRADES = (
    "Thương mại",
    "Dịch vụ",
    "Xây dựng",
    "Vận tải",
    "Du lịch",
    "Công nghệ",
    "Thực phẩm",
    "Dược phẩm",
    "Giáo dục",
    "Nội thất",
)
_PLACES = (
    "Đông Á",
    "Sài Gòn",
    "Hà Nội",
    "Phú Quốc",
    "Bắc Ninh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Việt Hưng",
    "Ánh Dương",
    "Hoàng Gia",
    "Thăng Long",
)
_OWNERS = (
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Hoàng Cường",
    "Phạm Thu Dung",
    "Hoàng Minh Đức",
    "Võ Thị Hạnh",
    "Đặng Quốc Huy",
    "Bùi Thanh Lâm",
    "Đỗ Ngọc Mai",
    "Huỳnh Tấn Phát",
)
# Shared mailbox names, so a keyword like "ketoan" or "sales" matches several tenants.
_MAILBOXES = ("info", "ketoan", "sales", "lienhe", "admin")
_FIRST = ("Công ty TNHH", "Thương mại", "Đông Á")
_PROVIDERS = ("itel", "viettel", "vinaphone", "mobifone")
_DESCRIPTION = "Nâng cao trải nghiệm khách hàng, lấy sự hài lòng của khách hàng làm tiêu chí."


def seed_partners() -> list[Partner]:
    """The partners every sandbox starts with."""
    return [
        Partner(DEMO_PARTNER_KEY, "Đại lý Demo OMI"),
        Partner(OTHER_PARTNER_KEY, "Đối tác Miền Nam"),
        Partner(SUSPENDED_PARTNER_KEY, "Đại lý Tạm ngưng", enabled=False),
    ]


def slug(text: str) -> str:
    """ASCII lower-case letters and digits of ``text`` ("Đông Á" -> "donga")."""
    text = text.replace("Đ", "D").replace("đ", "d")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def new_id(rng: random.Random) -> str:
    """A tenant id: 24 hex characters, like OMI's object ids."""
    return f"{rng.getrandbits(96):024x}"


def hotline(rng: random.Random, expire_ms: int) -> dict[str, object]:
    """A hotline (public number) record."""
    return {
        "number": f"8428{rng.randrange(10**7, 10**8)}",
        "provider": rng.choice(_PROVIDERS),
        "expire_date": expire_ms,
        "status": "active",
    }


def seed_tenants(rng: random.Random) -> list[Tenant]:
    """The seeded tenants: 28 for the demo partner, 6 for the other, all activated."""
    combos = [(form, trade, place) for form in _FORMS for trade in _TRADES for place in _PLACES]
    rng.shuffle(combos)
    # The first demo tenant has a name docs and tests can quote.
    combos.remove(_FIRST)
    combos.insert(0, _FIRST)
    tenants: list[Tenant] = []
    domains: set[str] = set()
    for index, (form, trade, place) in enumerate(combos[:34]):
        partner = DEMO_PARTNER_KEY if index < 28 else OTHER_PARTNER_KEY
        name = f"{form} {trade} {place}"
        domain = base = slug(trade) + slug(place)
        while domain in domains:
            domain = f"{base}{rng.randrange(10, 100)}"
        domains.add(domain)
        created = BASE_MS + index * 3 * DAY_MS + rng.randrange(DAY_MS)
        tenant = Tenant(
            id=new_id(rng),
            partner_key=partner,
            full_name=name,
            email=f"{rng.choice(_MAILBOXES)}@{domain}.vn",
            owner_name=rng.choice(_OWNERS),
            phone=f"09{rng.randrange(10**7, 10**8)}",
            description=_DESCRIPTION,
            domain=domain,
            api_key=f"{rng.getrandbits(64):016X}-{rng.getrandbits(32):08X}",
            created_at=created,
            activates_at=created + rng.randrange(3_000, 10_000),
            package=rng.choice(list(PACKAGES)),
            balance=rng.randrange(0, 50_000_000),
            enabled=rng.random() > 0.1,
            paid_type=rng.choice(("prepaid", "prepaid", "postpaid")),
            cashback=rng.randrange(0, 3_000_000),
        )
        tenant.numbers = [hotline(rng, created + 365 * DAY_MS) for _ in range(rng.randint(1, 3))]
        tenants.append(tenant)
    # Fixed points that tests and docs rely on.
    first = tenants[0]
    first.balance = BIG_BALANCE
    first.enabled = True
    first.api_key = DEMO_TENANT_KEY
    return tenants
