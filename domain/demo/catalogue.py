"""What a demo lot looks like: categories, sale themes, and lot titles, texts and estimates.

Everything is drawn from a seeded ``random.Random`` and a seeded Faker, so one seed always gives
the same catalogue.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from faker import Faker

# (name, parent, weight): parents first. Lots are filed under the leaves.
CATEGORIES: tuple[tuple[str, str | None, int], ...] = (
    ("Fine Art", None, 0),
    ("Paintings", "Fine Art", 0),
    ("Drawings & Watercolours", "Fine Art", 1),
    ("Prints & Multiples", "Fine Art", 2),
    ("Sculpture", "Fine Art", 3),
    ("Decorative Arts", None, 1),
    ("Silver", "Decorative Arts", 0),
    ("Ceramics & Porcelain", "Decorative Arts", 1),
    ("Glass", "Decorative Arts", 2),
    ("Furniture", "Decorative Arts", 3),
    ("Clocks", "Decorative Arts", 4),
    ("Jewellery & Watches", None, 2),
    ("Jewellery", "Jewellery & Watches", 0),
    ("Wristwatches", "Jewellery & Watches", 1),
    ("Asian Art", None, 3),
    ("Books & Manuscripts", None, 4),
    ("Coins & Medals", None, 5),
    ("Toys & Models", None, 6),
    ("Wine & Spirits", None, 7),
)

# A sale's theme and the categories its lots come from.
SALE_THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Fine Art & Antiques",
        (
            "Paintings",
            "Drawings & Watercolours",
            "Sculpture",
            "Silver",
            "Ceramics & Porcelain",
            "Furniture",
            "Clocks",
            "Glass",
        ),
    ),
    ("Jewellery & Watches", ("Jewellery", "Wristwatches")),
    ("Old Masters & 19th Century Art", ("Paintings", "Drawings & Watercolours", "Sculpture")),
    ("Silver, Ceramics & Glass", ("Silver", "Ceramics & Porcelain", "Glass")),
    ("Asian Art", ("Asian Art",)),
    ("Books, Maps & Manuscripts", ("Books & Manuscripts",)),
    ("Coins & Medals", ("Coins & Medals",)),
    ("Toys, Trains & Models", ("Toys & Models",)),
    ("Fine Wine & Spirits", ("Wine & Spirits",)),
    ("Modern & Contemporary Prints", ("Prints & Multiples",)),
    ("Interiors", ("Furniture", "Clocks", "Ceramics & Porcelain", "Glass", "Silver")),
)

# Estimates are quoted on these round figures.
LADDER: tuple[int, ...] = (
    20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1200, 1500,
    2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000, 12000, 15000, 20000, 25000, 30000, 40000,
    50000, 60000, 80000, 100000, 120000, 150000,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LotText:
    title: str
    description: str
    estimate_low: Decimal
    estimate_high: Decimal
    provenance: str | None = None


def _estimate(rng: random.Random, low_min: int, low_max: int) -> tuple[Decimal, Decimal]:
    """A low/high estimate pair on the ladder, skewed towards the cheap end of the range."""
    first = LADDER.index(low_min)
    last = LADDER.index(low_max)
    index = first + int((last - first + 1) * rng.random() ** 1.7)
    index = min(index, last)
    high = LADDER[min(index + rng.choice((1, 2, 2, 3)), len(LADDER) - 1)]
    return Decimal(LADDER[index]), Decimal(high)


def _a(phrase: str) -> str:
    """``phrase`` with its indefinite article: "An Edwardian", "An 18ct", "A Victorian"."""
    vowel = phrase[:1] in "AEIOUaeiou" or phrase.startswith(("8", "11", "18"))
    return f"{'An' if vowel else 'A'} {phrase}"


_CONDITION = (
    "Good overall condition.",
    "Minor surface wear consistent with age and use.",
    "Small chip to the rim, otherwise good.",
    "Old restoration to one corner.",
    "Light scratches and rubbing commensurate with age.",
    "Excellent condition.",
    "Some fading; please see the additional images.",
    "An old repair, visible under UV light.",
    "Wear to the gilding in places.",
)

_ARTIST_LOCALES = (
    ("nl_NL", "Dutch"),
    ("de_DE", "German"),
    ("fr_FR", "French"),
    ("it_IT", "Italian"),
    ("en_GB", "British"),
    ("de_AT", "Austrian"),
)


class LotWriter:
    """Writes lot titles and descriptions for the leaf categories, from one seed."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self._last_provenance: str | None = None
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.artist_fakers: list[tuple[Faker, str]] = []
        for n, (locale, nationality) in enumerate(_ARTIST_LOCALES):
            fake = Faker(locale)
            fake.seed_instance(seed * 31 + n)
            self.artist_fakers.append((fake, nationality))
        self._writers: dict[str, Callable[[], LotText]] = {
            "Paintings": self._painting,
            "Drawings & Watercolours": self._drawing,
            "Prints & Multiples": self._print,
            "Sculpture": self._sculpture,
            "Silver": self._silver,
            "Ceramics & Porcelain": self._ceramics,
            "Glass": self._glass,
            "Furniture": self._furniture,
            "Clocks": self._clock,
            "Jewellery": self._jewellery,
            "Wristwatches": self._watch,
            "Asian Art": self._asian,
            "Books & Manuscripts": self._book,
            "Coins & Medals": self._coin,
            "Toys & Models": self._toy,
            "Wine & Spirits": self._wine,
        }

    def lot(self, category: str) -> LotText:
        """A lot of the leaf ``category``."""
        self._last_provenance = None
        text = self._writers[category]()
        return replace(text, provenance=self._last_provenance)

    # -- shared pieces -------------------------------------------------------------------

    def _pick(self, options: tuple[str, ...]) -> str:
        return self.rng.choice(options)

    def _provenance(self) -> str:
        fake, rng = self.fake, self.rng
        year = rng.randint(1955, 2015)
        return rng.choice(
            (
                f"Private collection, {fake.city()}.",
                f"By descent in the {fake.last_name()} family.",
                f"Acquired from {fake.last_name()} & {fake.last_name()}, "
                f"{fake.city()}, {year}; thence by descent.",
                f"The collection of the late {fake.name()}.",
                f"Sold at auction, {fake.city()}, {year}; private collection.",
            )
        )

    def _notes(self, *lines: str) -> str:
        """The description's lines and condition; the provenance goes to its own field."""
        self._last_provenance = self._provenance()
        return "\n\n".join((*lines, f"Condition: {self._pick(_CONDITION)}"))

    def _artist(self, born_from: int = 1580, born_to: int = 1900) -> str:
        fake, nationality = self.rng.choice(self.artist_fakers)
        born = self.rng.randint(born_from, born_to)
        died = born + self.rng.randint(32, 88)
        return f"{fake.first_name_male()} {fake.last_name()} ({nationality}, {born}-{died})"

    def _attribution(self) -> str:
        return self.rng.choices(
            ("", "Attributed to ", "Circle of ", "Follower of ", "Studio of ", "Manner of "),
            weights=(50, 12, 12, 10, 8, 8),
        )[0]

    def _size(self, low: int, high: int) -> tuple[int, int]:
        return self.rng.randint(low, high), self.rng.randint(low, high)

    # -- fine art ------------------------------------------------------------------------

    _SUBJECTS = (
        "River landscape with cattle watering",
        "Still life of flowers in a glass vase",
        "Portrait of a gentleman in a black coat",
        "Fishing boats off a harbour at dusk",
        "Winter landscape with skaters on a frozen river",
        "Interior with a woman reading by a window",
        "The Bay of Naples from Posillipo",
        "Alpine lake at sunset",
        "Peasants merrymaking outside a tavern",
        "Still life with lemons and a pewter jug",
        "Cavalry skirmish in a wooded landscape",
        "Portrait of a young girl with a spaniel",
        "Venetian capriccio with the Rialto",
        "Horses in a stable",
        "Coastal scene with fisherfolk unloading the catch",
        "A view of Dordrecht from the Maas",
        "Shepherd and flock in an evening landscape",
        "Study of a sleeping cat",
    )

    def _painting(self) -> LotText:
        rng = self.rng
        subject = self._pick(self._SUBJECTS)
        medium = self._pick(("oil on canvas", "oil on panel", "oil on board", "oil on copper"))
        h, w = self._size(20, 120)
        signed = self._pick(("signed lower left", "signed and dated lower right", "unsigned"))
        low, high = _estimate(rng, 300, 40000)
        return LotText(
            f"{self._attribution()}{self._artist()}, {subject}",
            self._notes(f"{medium.capitalize()}, {signed}. {h} x {w} cm. Framed."),
            low,
            high,
        )

    def _drawing(self) -> LotText:
        subject = self._pick(self._SUBJECTS)
        medium = self._pick(
            (
                "watercolour over pencil",
                "pen and brown ink with grey wash",
                "gouache on paper",
                "pastel on paper",
                "black chalk heightened with white",
            )
        )
        h, w = self._size(12, 60)
        low, high = _estimate(self.rng, 100, 8000)
        return LotText(
            f"{self._attribution()}{self._artist()}, {subject}",
            self._notes(f"{medium.capitalize()}. {h} x {w} cm. Mounted, framed and glazed."),
            low,
            high,
        )

    def _print(self) -> LotText:
        rng = self.rng
        fake, nationality = rng.choice(self.artist_fakers)
        born = rng.randint(1900, 1975)
        artist = f"{fake.first_name()} {fake.last_name()} ({nationality}, b. {born})"
        technique = self._pick(
            (
                "screenprint in colours",
                "lithograph in colours",
                "etching with aquatint",
                "woodcut",
                "linocut in colours",
            )
        )
        title = self._pick(
            ("Composition", "Untitled", "Red Square", "Blue Horizon", "Harbour I", "Figures",
             "Garden at Night", "Sun and Moon", "Abstract in Ochre", "Three Birds")
        )  # fmt: skip
        edition = rng.choice((30, 50, 75, 90, 100, 150, 200))
        h, w = self._size(30, 90)
        low, high = _estimate(rng, 80, 5000)
        return LotText(
            f"{artist}, {title}, {rng.randint(born + 25, 2020)}",
            self._notes(
                f"{technique.capitalize()}, signed in pencil and numbered "
                f"{rng.randint(1, edition)}/{edition}. Sheet {h} x {w} cm."
            ),
            low,
            high,
        )

    def _sculpture(self) -> LotText:
        subject = self._pick(
            (
                "a standing nude",
                "a stag at bay",
                "bust of a young woman",
                "a seated hound",
                "Mercury, after Giambologna",
                "a dancing faun",
                "a lion attacking a serpent",
                "a mother and child",
            )
        )
        material = self._pick(
            (
                "bronze with a brown patina",
                "patinated bronze on a marble base",
                "carved white marble",
                "carved limewood",
                "terracotta",
            )
        )
        low, high = _estimate(self.rng, 200, 20000)
        return LotText(
            f"{self._attribution()}{self._artist(1750, 1920)}, {subject}",
            self._notes(f"{material.capitalize()}. Height {self.rng.randint(15, 95)} cm."),
            low,
            high,
        )

    # -- decorative arts -----------------------------------------------------------------

    def _silver(self) -> LotText:
        rng = self.rng
        period, city, years = rng.choice(
            (
                ("George III", "London", (1765, 1815)),
                ("George IV", "London", (1821, 1829)),
                ("William IV", "Sheffield", (1831, 1836)),
                ("Victorian", "Birmingham", (1840, 1899)),
                ("Edwardian", "Chester", (1902, 1910)),
                ("German 800 standard", "Hanau", (1880, 1920)),
                ("Dutch", "Amsterdam", (1760, 1850)),
            )
        )
        thing = self._pick(
            (
                "teapot",
                "pair of candlesticks",
                "salver",
                "sauceboat",
                "cream jug",
                "tea caddy",
                "coffee pot",
                "set of twelve dessert spoons",
                "inkstand",
                "cake basket",
                "christening mug",
                "three-piece tea service",
            )
        )
        maker = f"{self.fake.random_uppercase_letter()}{self.fake.random_uppercase_letter()}"
        grams = rng.randint(80, 2400)
        low, high = _estimate(rng, 60, 8000)
        return LotText(
            f"{_a(period)} silver {thing}, {city} {rng.randint(*years)}, maker's mark {maker}",
            self._notes(f"Approximately {grams} g gross weight.", "Engraved with a crest."),
            low,
            high,
        )

    def _ceramics(self) -> LotText:
        maker = self._pick(
            (
                "Meissen",
                "KPM Berlin",
                "Sèvres-style",
                "Royal Worcester",
                "Nymphenburg",
                "Herend",
                "Royal Copenhagen",
                "Delft faience",
                "Wedgwood jasperware",
            )
        )
        thing = self._pick(
            (
                "figure of a shepherdess",
                "pair of baluster vases",
                "tureen and cover",
                "coffee service",
                "plate painted with flowers",
                "figure group of lovers",
                "cabinet cup and saucer",
                "charger painted with a river landscape",
            )
        )
        period = self._pick(("mid 18th century", "late 18th century", "19th century", "c. 1900"))
        low, high = _estimate(self.rng, 50, 10000)
        return LotText(
            f"{_a(maker)} {thing}, {period}",
            self._notes(
                f"Underglaze mark. Height {self.rng.randint(8, 55)} cm.",
            ),
            low,
            high,
        )

    def _glass(self) -> LotText:
        maker = self._pick(("Daum Nancy", "Gallé", "Loetz", "Orrefors", "Murano", "Baccarat"))
        thing = self._pick(
            (
                "cameo glass vase",
                "iridescent glass vase",
                "millefiori paperweight",
                "pair of cut-glass decanters",
                "set of six wine glasses",
                "opalescent glass bowl",
            )
        )
        period = self._pick(("c. 1900", "c. 1925", "mid 20th century", "late 19th century"))
        low, high = _estimate(self.rng, 40, 6000)
        return LotText(
            f"{_a(maker)} {thing}, {period}",
            self._notes(f"Signed. Height {self.rng.randint(6, 45)} cm."),
            low,
            high,
        )

    def _furniture(self) -> LotText:
        period = self._pick(
            (
                "George III",
                "Regency",
                "Victorian",
                "Louis XV style",
                "Biedermeier",
                "Art Deco",
                "Dutch marquetry",
                "Empire",
            )
        )
        wood = self._pick(
            ("mahogany", "walnut", "rosewood", "satinwood", "oak", "burr walnut", "cherrywood")
        )
        piece = self._pick(
            (
                "chest of drawers",
                "bureau bookcase",
                "pedestal desk",
                "pair of armchairs",
                "card table",
                "side cabinet",
                "extending dining table",
                "set of six dining chairs",
                "secrétaire",
                "commode",
                "display cabinet",
            )
        )
        h, w = self._size(60, 220)
        low, high = _estimate(self.rng, 150, 15000)
        return LotText(
            f"{_a(period)} {wood} {piece}",
            self._notes(f"Height {h} cm, width {w} cm, depth {self.rng.randint(35, 90)} cm."),
            low,
            high,
        )

    def _clock(self) -> LotText:
        kind = self._pick(
            (
                "French gilt-bronze mantel clock",
                "Vienna regulator wall clock",
                "George III ebonised bracket clock",
                "brass carriage clock with repeat",
                "Black Forest cuckoo clock",
                "Art Deco marble mantel clock",
                "mahogany longcase clock",
            )
        )
        maker = f"{self.fake.last_name()}, {self.fake.city()}"
        low, high = _estimate(self.rng, 100, 12000)
        return LotText(
            f"{_a(kind)}, the dial signed {maker}",
            self._notes(
                f"Eight-day movement striking on a bell. Height {self.rng.randint(12, 220)} cm."
            ),
            low,
            high,
        )

    # -- jewellery and watches -----------------------------------------------------------

    def _jewellery(self) -> LotText:
        rng = self.rng
        metal = self._pick(("18ct gold", "platinum", "14ct gold", "9ct gold", "silver"))
        stone = self._pick(
            ("sapphire", "ruby", "emerald", "diamond", "aquamarine", "opal", "pearl", "garnet")
        )
        piece = self._pick(
            (
                "ring",
                "brooch",
                "pendant necklace",
                "pair of earrings",
                "bracelet",
                "cluster ring",
                "three-stone ring",
                "bangle",
            )
        )
        accent = "" if stone == "diamond" else rng.choice(("", " and diamond"))
        period = self._pick(("", ", c. 1920", ", c. 1960", ", Art Deco", ", Victorian"))
        carats = Decimal(rng.randint(10, 450)) / 100
        low, high = _estimate(rng, 100, 30000)
        return LotText(
            f"{_a(metal)} {stone}{accent} {piece}{period}",
            self._notes(f"Total stone weight approximately {carats} ct. Gross weight "
                        f"{rng.randint(2, 60)} g."),
            low,
            high,
        )  # fmt: skip

    _WATCHES = (
        ("Omega", "Seamaster", 800, 5000),
        ("Omega", "Constellation", 600, 4000),
        ("Rolex", "Oyster Perpetual Datejust", 3000, 12000),
        ("Rolex", "Submariner", 6000, 25000),
        ("Longines", "Conquest", 400, 2500),
        ("Jaeger-LeCoultre", "Reverso", 2000, 10000),
        ("IWC", "Portugieser", 3000, 10000),
        ("Heuer", "Carrera chronograph", 2000, 12000),
        ("Tudor", "Oyster Prince", 1000, 5000),
        ("Cartier", "Tank", 1500, 8000),
        ("Zenith", "El Primero", 2500, 10000),
        ("Patek Philippe", "Calatrava", 8000, 40000),
    )

    def _watch(self) -> LotText:
        rng = self.rng
        brand, model, low_min, low_max = rng.choice(self._WATCHES)
        material = self._pick(("stainless steel", "18ct gold", "steel and gold"))
        year = rng.randint(1950, 2015)
        ref = rng.randint(1000, 99999)
        low, high = _estimate(rng, low_min, low_max)
        extras = self._pick(
            ("With box and papers.", "With box only.", "Without box or papers.", "With papers.")
        )
        return LotText(
            f"{brand}, a {material} {model} wristwatch, ref. {ref}, c. {year}",
            self._notes(
                f"{self._pick(('Automatic', 'Manual-winding', 'Quartz'))} movement, "
                f"case diameter {rng.randint(26, 44)} mm, on a leather strap. {extras}"
            ),
            low,
            high,
        )

    # -- asian art, books, coins, toys, wine ---------------------------------------------

    _ASIAN = (
        ("Chinese", ("blue and white porcelain vase", "famille rose bowl", "carved jade pendant",
                     "pair of cloisonné censers", "celadon-glazed dish", "hanging scroll painting"),
         ("Kangxi period", "Qianlong mark and period", "Qing dynasty", "Ming dynasty",
          "Republic period")),
        ("Japanese", ("cloisonné enamel vase", "bronze figure of Buddha", "Imari charger",
                      "Satsuma earthenware koro", "lacquer writing box", "boxwood netsuke"),
         ("Meiji period", "Edo period", "Taisho period")),
        ("Tibetan", ("gilt-bronze figure of Tara", "thangka of Amitayus", "silver butter lamp"),
         ("18th century", "19th century")),
        ("Korean", ("celadon maebyong vase", "white porcelain moon jar"),
         ("Joseon dynasty", "Goryeo dynasty")),
    )  # fmt: skip

    def _asian(self) -> LotText:
        origin, things, periods = self.rng.choice(self._ASIAN)
        low, high = _estimate(self.rng, 100, 50000)
        return LotText(
            f"{_a(origin)} {self._pick(things)}, {self._pick(periods)}",
            self._notes(f"Height {self.rng.randint(5, 80)} cm. With a fitted wood stand."),
            low,
            high,
        )

    def _book(self) -> LotText:
        rng, fake = self.rng, self.fake
        year = rng.randint(1520, 1930)
        kind = rng.random()
        if kind < 0.6:
            subject = rng.choice(
                (
                    f"Travels in {fake.country()}",
                    f"The History of {fake.city()}",
                    "Poems",
                    f"A Treatise on {self._pick(('Botany', 'Navigation', 'Astronomy', 'Gardens'))}",
                    f"Flora of {fake.country()}",
                    f"Voyage round the World, {rng.randint(2, 4)} volumes",
                )
            )
            title = f"{fake.last_name()}, {fake.first_name()[0]}. {subject}. {fake.city()}, {year}"
            detail = self._pick(
                (
                    "First edition.",
                    "Second edition, with engraved plates.",
                    "Contemporary calf, rebacked.",
                    "Original cloth, spine faded.",
                )
            )
        elif kind < 0.85:
            title = (
                f"{fake.last_name()}, a hand-coloured engraved map of {fake.country()}, "
                f"{rng.randint(1570, 1850)}"
            )
            detail = f"Sheet {rng.randint(30, 70)} x {rng.randint(40, 90)} cm."
        else:
            title = (
                f"An illuminated manuscript leaf from a Book of Hours, "
                f"{self._pick(('France', 'Flanders', 'Italy'))}, c. {rng.randint(141, 152)}0"
            )
            detail = "Ink, tempera and gold on vellum."
        low, high = _estimate(rng, 50, 15000)
        return LotText(title, self._notes(detail), low, high)

    _COINS = (
        ("Great Britain, Victoria, sovereign {y}", 1838, 1900),
        ("Germany, Prussia, Wilhelm II, 5 Mark {y}", 1888, 1913),
        ("France, Napoleon III, 20 Francs {y}, Paris", 1853, 1870),
        ("Switzerland, 20 Francs Vreneli {y}", 1897, 1949),
        ("Netherlands, Willem III, 10 Gulden {y}", 1875, 1889),
        ("Austria, Franz Joseph I, 100 Corona {y}", 1908, 1915),
        ("United States, Morgan dollar {y}", 1878, 1921),
        ("Roman Empire, Hadrian, denarius, struck AD {y}", 117, 138),
    )

    def _coin(self) -> LotText:
        rng = self.rng
        if rng.random() < 0.8:
            pattern, first, last = rng.choice(self._COINS)
            title = pattern.format(y=rng.randint(first, last))
            detail = f"Grade: {self._pick(('VF', 'good VF', 'EF', 'about EF', 'nearly UNC'))}."
        else:
            title = (
                f"A Great War medal trio to Private {self.fake.first_name_male()[0]}. "
                f"{self.fake.last_name()}, {self._pick(('Royal Fusiliers', 'Border Regiment'))}"
            )
            detail = "With original ribbons."
        low, high = _estimate(rng, 30, 6000)
        return LotText(title, self._notes(detail), low, high)

    def _toy(self) -> LotText:
        thing = self._pick(
            (
                "A Märklin gauge 1 clockwork locomotive and tender, c. 1910",
                "A Steiff mohair teddy bear with button in ear, c. 1920",
                "A boxed Dinky Toys gift set",
                "A Schuco tinplate clockwork racing car",
                "A Hornby O gauge train set, boxed",
                "A French bisque-head doll by Jumeau",
                "A Britains lead soldier set, boxed",
                "A painted wooden rocking horse, late 19th century",
                "A Lehmann tinplate clockwork toy",
            )
        )
        low, high = _estimate(self.rng, 40, 5000)
        detail = self._pick(("Boxed.", "Unboxed.", "Original paint.", "Some retouching."))
        return LotText(thing, self._notes(detail), low, high)

    def _wine(self) -> LotText:
        rng, fake = self.rng, self.fake
        kind = rng.random()
        year = rng.randint(1961, 2016)
        if kind < 0.5:
            appellation = self._pick(
                ("Pauillac", "Margaux", "Saint-Émilion Grand Cru", "Pomerol", "Saint-Julien")
            )
            wine = f"Château {fake.last_name()} {year}, {appellation}"
        elif kind < 0.75:
            appellation = self._pick(
                ("Gevrey-Chambertin", "Vosne-Romanée 1er Cru", "Meursault", "Chablis Grand Cru")
            )
            wine = f"Domaine {fake.last_name()}, {appellation} {year}"
        elif kind < 0.9:
            wine = f"Champagne {fake.last_name()} Brut Vintage {year}"
        else:
            age = rng.choice((12, 15, 18, 21, 25, 30))
            wine = f"Glen {fake.last_name()} {age} year old single malt Scotch whisky"
        quantity = self._pick(
            ("12 bottles", "6 bottles", "6 magnums", "3 bottles", "1 bottle", "24 half-bottles")
        )
        low, high = _estimate(rng, 40, 12000)
        return LotText(
            f"{wine} ({quantity})",
            self._notes(
                self._pick(
                    (
                        "In original wooden case.",
                        "Levels into neck.",
                        "Stored in a temperature-controlled cellar since release.",
                    )
                )
            ),
            low,
            high,
        )
