"""Reference data every installation starts with: the service catalogue and the IBIC life
areas. Created by data migrations, and again after a database flush (see AssessmentsConfig),
without touching rows an administrator has edited."""

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
