"""Reference data every installation starts with: the service catalogue, the IBIC life
areas and the legal bases of a decision. Created by data migrations, and again after a
database flush (see AssessmentsConfig), without touching rows an administrator has edited."""

SERVICE_CATALOGUE = [
    ("trygghetslarm", "Trygghetslarm", False),
    ("dusch", "Dusch", True),
    ("stad", "Städ", True),
    ("mathallning", "Mathållning", True),
    ("tvatt", "Tvätt", True),
    ("hushall_baddning", "Hushållsarbete/bäddning", True),
    ("ovrigt", "Övrigt", True),
]

# The life areas of IBIC (Individens behov i centrum), after the ICF chapters.
LIFE_AREAS = [
    ("larande", "Lärande och att tillämpa kunskap"),
    ("allmanna_uppgifter", "Allmänna uppgifter och krav"),
    ("kommunikation", "Kommunikation"),
    ("forflyttning", "Förflyttning"),
    ("personlig_vard", "Personlig vård"),
    ("hemliv", "Hemliv"),
    ("relationer", "Mellanmänskliga interaktioner och relationer"),
    ("viktiga_livsomraden", "Utbildning, arbete, sysselsättning och ekonomiskt liv"),
    ("samhallsgemenskap", "Samhällsgemenskap, socialt och medborgerligt liv"),
    ("psykiska_funktioner", "Psykiska funktioner"),
    ("smarta", "Smärta"),
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


def ensure_reference_data(service_type_model, life_area_model) -> None:
    """Works with the real models and with a migration's historical models."""
    for order, (code, name, has_minutes) in enumerate(SERVICE_CATALOGUE):
        service_type_model.objects.get_or_create(
            code=code, defaults={"name": name, "has_minutes": has_minutes, "sort_order": order}
        )
    for order, (code, name) in enumerate(LIFE_AREAS):
        life_area_model.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
