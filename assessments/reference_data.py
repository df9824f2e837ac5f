"""Reference data every installation starts with: the service catalogue, the IBIC life
areas and related factors, and the legal bases of a decision. Created by data migrations,
and again after a database flush (see AssessmentsConfig), without touching rows an
administrator has edited."""

SERVICE_CATALOGUE = [
    ("trygghetslarm", "Trygghetslarm", False),
    ("dusch", "Dusch", True),
    ("stad", "Städ", True),
    ("mathallning", "Mathållning", True),
    ("tvatt", "Tvätt", True),
    ("hushall_baddning", "Hushållsarbete/bäddning", True),
    ("ovrigt", "Övrigt", True),
]

# The life areas of IBIC (Individens behov i centrum, Socialstyrelsen 2021): the nine ICF
# activity-and-participation chapters and two areas of IBIC's own. Code, name, ICF code.
LIFE_AREAS = [
    ("larande", "Lärande och att tillämpa kunskap", "d1"),
    ("allmanna_uppgifter", "Allmänna uppgifter och krav", "d2"),
    ("kommunikation", "Kommunikation", "d3"),
    ("forflyttning", "Förflyttning", "d4"),
    ("personlig_vard", "Personlig vård", "d5"),
    ("hemliv", "Hemliv", "d6"),
    ("relationer", "Mellanmänskliga interaktioner och relationer", "d7"),
    ("viktiga_livsomraden", "Större livsområden", "d8"),
    ("samhallsgemenskap", "Samhällsgemenskap, socialt och medborgerligt liv", "d9"),
    ("trygghet", "Känsla av trygghet", ""),
    ("personligt_stod", "Personligt stöd från person som vårdar eller stödjer en närstående", ""),
]

# IBIC's related factors (relaterade faktorer) that are body functions, after the ICF
# chapters b1–b8 (pain, b280–b289, on its own). Code, name, ICF code.
RELATED_FACTORS = [
    ("psykiska_funktioner", "Psykiska funktioner", "b1"),
    ("sinnesfunktioner", "Sinnesfunktioner", "b2"),
    ("smarta", "Smärta", "b280"),
    ("rost_tal", "Röst- och talfunktioner", "b3"),
    ("hjarta_andning", "Hjärt-, kärl- och andningsfunktioner", "b4"),
    ("matsmaltning", "Matsmältnings- och ämnesomsättningsfunktioner", "b5"),
    ("urin_konsfunktioner", "Urin- och könsfunktioner", "b6"),
    ("rorelsefunktioner", "Rörelsefunktioner", "b7"),
    ("hud", "Hudens funktioner", "b8"),
]

# The provisions a decision on home-care services rests on: code, name, active. The new
# Socialtjänstlag (2025:400) replaced the one of 2001 from 1 July 2025; the old provision
# is kept (inactive) for decisions taken before then.
LEGAL_BASES = [
    ("sol2025_11_1", "11 kap. 1 § socialtjänstlagen (2025:400)", True),
    ("sol2001_4_1", "4 kap. 1 § socialtjänstlagen (2001:453)", False),
]


def ensure_legal_bases(legal_basis_model) -> None:
    """Works with the real model and with a migration's historical model."""
    for order, (code, name, active) in enumerate(LEGAL_BASES):
        legal_basis_model.objects.get_or_create(
            code=code, defaults={"name": name, "active": active, "sort_order": order}
        )


def ensure_reference_data(service_type_model, life_area_model, related_factor_model) -> None:
    """Works with the real models and with a migration's historical models."""
    for order, (code, name, has_minutes) in enumerate(SERVICE_CATALOGUE):
        service_type_model.objects.get_or_create(
            code=code, defaults={"name": name, "has_minutes": has_minutes, "sort_order": order}
        )
    for model, rows in ((life_area_model, LIFE_AREAS), (related_factor_model, RELATED_FACTORS)):
        for order, (code, name, icf_code) in enumerate(rows):
            model.objects.get_or_create(
                code=code, defaults={"name": name, "icf_code": icf_code, "sort_order": order}
            )
