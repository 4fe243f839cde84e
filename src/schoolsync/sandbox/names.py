"""Name pools for generated UK schools, and deterministic picks from them.

The pools exist to exercise a sync engine's handling of real names, so they deliberately carry
the awkward cases a UK MIS holds every day: apostrophes (O'Connor, D'Souza), hyphens
(Smith-Jones), accents and non-Latin-1 letters (Zoë, Siân, Łucja, Nguyễn, Ó Súilleabháin),
multi-word surnames (de la Cruz, Van der Berg, ap Rhys) and forenames (Hui Min), and
gendered surnames (Kowalski / Kowalska).

Every pick takes a `random.Random`, so one seed always yields the same people.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from typing import Literal

Gender = Literal["MALE", "FEMALE"]


@dataclass(frozen=True)
class Heritage:
    """One naming tradition: who is named what, and how common it is in a UK school."""

    key: str
    weight: float
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...]
    # Parents' generation, where it differs noticeably from children's names.
    women: tuple[str, ...] = ()
    men: tuple[str, ...] = ()


def _pool(names: str) -> tuple[str, ...]:
    """A comma-separated list: names may contain spaces, apostrophes and hyphens."""
    return tuple(name.strip() for name in names.split(","))


_ENGLISH = Heritage(
    key="english",
    weight=0.52,
    girls=_pool(
        "Olivia, Amelia, Isla, Ava, Lily, Freya, Florence, Grace, Sophie, Evie, Poppy, Zoë, "
        "Millie, Ella, Ruby, Harper, Daisy, Matilda, Rosie, Phoebe, Eleanor, Imogen, Jessica, "
        "Holly, Lottie, Elsie, Maisie, Esmé, Charlotte, Emily, Hannah, Scarlett, Georgia, Megan, "
        "Abigail, Bethany, Elizabeth, Katherine, Alexandra, Beatrice"
    ),
    boys=_pool(
        "Oliver, George, Harry, Noah, Jack, Leo, Arthur, Oscar, Charlie, Jacob, Thomas, Freddie, "
        "Alfie, Archie, Henry, William, Theo, James, Joshua, Ethan, Finley, Harvey, Toby, Reuben, "
        "Max, Samuel, Isaac, Dylan, Callum, Kai, Alexander, Benjamin, Edward, Joseph, Louis, "
        "Stanley, Albie, Ronnie, Tommy, Zachary"
    ),
    surnames=_pool(
        "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright, "
        "Thompson, Evans, Walker, White, Roberts, Green, Hall, Wood, Jackson, Clarke, Harris, "
        "Lewis, Hughes, Edwards, Turner, Hill, Cooper, Ward, Morris, Baker, Parker, Bennett, "
        "Cook, Shaw, Collins, Marshall, Fletcher, Barnes, Ellis, Holmes, Ashworth, Pemberton, "
        "Whitfield, Hargreaves, Fairbrother, Lane-Fox, Bradley-Wood, Atkinson, Chapman, Dixon, "
        "Gray, Knight, Lawrence, Mason, Palmer, Russell, Stevens, Webb, Young, Kingsley, Pocock, "
        "Sutcliffe, Threlfall"
    ),
    women=_pool(
        "Sarah, Claire, Emma, Rebecca, Helen, Joanne, Nicola, Rachel, Louise, Victoria, Kelly, "
        "Lisa, Michelle, Amanda, Katherine, Laura, Hannah, Jennifer, Gemma, Donna, Karen, Susan, "
        "Lorraine, Tracey, Deborah, Catherine, Joanna, Philippa, Zoë, Kerry, Natalie, Stephanie"
    ),
    men=_pool(
        "David, Paul, Mark, Andrew, Richard, Stephen, Michael, Christopher, Matthew, Daniel, "
        "Simon, Jonathan, Neil, Ian, Stuart, Lee, Craig, Darren, Martin, Robert, Peter, Anthony, "
        "Jason, Gavin, Nicholas, Timothy, Wayne, Carl, Adam, Ben"
    ),
)


_SCOTTISH = Heritage(
    key="scottish",
    weight=0.04,
    girls=_pool("Isla, Eilidh, Ailsa, Kirsty, Fiona, Morven, Catriona, Skye, Iona"),
    boys=_pool("Angus, Callum, Euan, Hamish, Fraser, Ruaridh, Lachlan, Finlay, Murray"),
    surnames=_pool(
        "MacDonald, McLeod, Campbell, Stewart, Fraser, Robertson, MacKenzie, Mackintosh, "
        "Sinclair, McIntyre, Buchanan, Drummond, McGregor, Ross"
    ),
    women=_pool("Morag, Fiona, Kirsty, Shona, Elspeth, Mhairi"),
    men=_pool("Alistair, Douglas, Iain, Graeme, Duncan, Gordon"),
)


_IRISH = Heritage(
    key="irish",
    weight=0.04,
    girls=_pool("Aoife, Niamh, Siobhán, Caoimhe, Saoirse, Róisín, Orla, Clodagh, Aisling"),
    boys=_pool("Seán, Cian, Oisín, Ciarán, Pádraig, Eoin, Darragh, Conor, Tadhg"),
    surnames=_pool(
        "O'Connor, O'Brien, O'Sullivan, Ó Súilleabháin, Ó Briain, Murphy, Kelly, Byrne, Walsh, "
        "McCarthy, O'Neill, Doyle, Mac Cárthaigh, O'Donnell, Gallagher, Fitzgerald"
    ),
    women=_pool("Bridget, Maeve, Sinéad, Deirdre, Fionnuala, Máire"),
    men=_pool("Declan, Colm, Fergal, Liam, Brendan, Séamus"),
)


_WELSH = Heritage(
    key="welsh",
    weight=0.03,
    girls=_pool("Siân, Rhiannon, Cerys, Ffion, Megan, Carys, Seren, Gwenllian, Nia, Mali"),
    boys=_pool("Dafydd, Rhys, Gethin, Iolo, Llŷr, Owain, Emrys, Aled, Huw, Osian"),
    surnames=_pool(
        "Jones, Williams, Davies, Evans, Thomas, Roberts, Hughes, Lewis, Morgan, Griffiths, "
        "Pritchard, Llewellyn, ap Rhys, ap Gwilym, Bowen"
    ),
    women=_pool("Eirlys, Bethan, Angharad, Delyth, Glenys, Rhian"),
    men=_pool("Gareth, Gwyn, Iwan, Rhodri, Dewi, Meirion"),
)


_CARIBBEAN = Heritage(
    key="caribbean",
    weight=0.03,
    girls=_pool("Shanice, Jada, Kayla, Tiana, Aaliyah, Nia, Chantelle, Keisha"),
    boys=_pool("Tyrese, Kemar, Malachi, Jermaine, Tyreke, Andre, Marcus, Devon"),
    surnames=_pool(
        "Campbell, Brown, Clarke, Francis, Thomas, Grant, Reid, Forbes, Gordon, Henry, Bailey, "
        "Richards, Samuels, McKenzie"
    ),
    women=_pool("Marcia, Beverley, Sandra, Paulette, Claudette, Donna"),
    men=_pool("Winston, Delroy, Clive, Lloyd, Errol, Trevor"),
)


_SOUTH_ASIAN = Heritage(
    key="south_asian",
    weight=0.1,
    girls=_pool(
        "Aisha, Fatima, Zara, Amira, Priya, Anika, Simran, Harpreet, Maryam, Inaya, Aaliyah, "
        "Hafsa, Zainab, Ananya, Diya, Sana, Noor, Khadija"
    ),
    boys=_pool(
        "Mohammed, Muhammad, Ibrahim, Yusuf, Arjun, Rohan, Aarav, Zain, Hamza, Ayaan, Rayyan, "
        "Harjit, Gurpreet, Ismail, Vihaan, Kabir, Bilal, Omar"
    ),
    surnames=_pool(
        "Khan, Ahmed, Hussain, Patel, Singh, Ali, Islam, Rahman, Chowdhury, Sharma, Gupta, "
        "Mistry, Shah, Iqbal, Akhtar, Uddin, Miah, Sandhu, Choudhury, Mahmood, Rashid, Bhatt, "
        "Ul-Haq"
    ),
    women=_pool("Shabana, Nasreen, Parveen, Sunita, Rukhsana, Anjali, Salma, Nazia"),
    men=_pool("Tariq, Imran, Rajesh, Sanjay, Asif, Javed, Sukhdev, Kamran"),
)


_WEST_AFRICAN = Heritage(
    key="west_african",
    weight=0.05,
    girls=_pool(
        "Chiamaka, Adaeze, Abena, Ama, Efua, Temitope, Folake, Ngozi, Ifeoma, Precious, Blessing, "
        "Esther, Oluwaseun, Damilola, Ayomide"
    ),
    boys=_pool(
        "Chinedu, Oluwaseun, Kwame, Kofi, Emeka, Tobi, Femi, Tunde, Kwabena, Nnamdi, David, "
        "Daniel, Samuel, Ayodeji, Chukwuemeka"
    ),
    surnames=_pool(
        "Adebayo, Okafor, Okonkwo, Mensah, Owusu, Asante, Boateng, Adeyemi, Nwosu, Eze, Olawale, "
        "Adeleke, Ogunleye, Danso, Appiah, Ofori, Oyelaran-Oyeyinka, Afolabi, Ekwueme"
    ),
    women=_pool("Funmilayo, Adwoa, Nkechi, Yetunde, Comfort, Grace"),
    men=_pool("Olumide, Kwasi, Chidi, Babatunde, Yaw, Emmanuel"),
)


_POLISH = Heritage(
    key="polish",
    weight=0.04,
    girls=_pool("Zuzanna, Łucja, Wiktoria, Julia, Zofia, Maja, Oliwia, Hanna, Alicja"),
    boys=_pool("Jakub, Szymon, Kacper, Wojciech, Michał, Paweł, Łukasz, Mateusz, Filip"),
    surnames=_pool(
        "Kowalski, Nowak, Wiśniewski, Wójcik, Kamiński, Lewandowski, Zieliński, Szymański, "
        "Woźniak, Dąbrowski, Kozłowski, Mazur, Krawczyk, Jabłoński, Wróblewski, Sienkiewicz"
    ),
    women=_pool("Małgorzata, Agnieszka, Katarzyna, Joanna, Magdalena, Ewa, Beata"),
    men=_pool("Piotr, Tomasz, Krzysztof, Marcin, Grzegorz, Andrzej, Bartłomiej"),
)


_CHINESE = Heritage(
    key="chinese",
    weight=0.02,
    girls=_pool("Mei, Xinyi, Jia, Ling, Hui Min, Xiao Li, Yan, Wing Yan, Chloe"),
    boys=_pool("Wei, Jun, Hao, Zhi Hao, Ming, Ka Ho, Yi Chen, Ethan, Kevin"),
    surnames=_pool(
        "Chen, Wang, Li, Zhang, Liu, Huang, Wong, Cheung, Lam, Ng, Chan, Leung, Ho, Yip"
    ),
    women=_pool("Li Na, Xiu Ying, Mei Ling, Suet Yee, Hong"),
    men=_pool("Jian, Kwok Wai, Guo Qiang, Chun, Hong Wei"),
)


_VIETNAMESE = Heritage(
    key="vietnamese",
    weight=0.01,
    girls=_pool("Thảo, Linh, Anh, Ngọc, Hương, Mai, Trang, Phương"),
    boys=_pool("Minh, Huy, Đức, Khoa, Quang, Tuấn, Bảo, Long"),
    surnames=_pool("Nguyễn, Trần, Lê, Phạm, Hoàng, Vũ, Đặng, Bùi, Huỳnh, Phan"),
)


_IBERIAN = Heritage(
    key="iberian",
    weight=0.02,
    girls=_pool("María, Sofía, Inés, Lucía, Beatriz, Ana, Leonor, Mariana"),
    boys=_pool("José, Raúl, Tomás, João, Mateo, Diego, Gonçalo, Rafael"),
    surnames=_pool(
        "de la Cruz, D'Souza, Fernandes, Rodrigues, da Silva, dos Santos, García, Martínez, "
        "López, Pereira, D'Costa, De Souza, Gonçalves, Núñez"
    ),
)


_NORTH_EUROPEAN = Heritage(
    key="north_european",
    weight=0.02,
    girls=_pool("Anouk, Femke, Lotte, Astrid, Freja, Ingrid, Saskia, Annika"),
    boys=_pool("Lars, Sven, Björn, Jürgen, Jens, Anders, Maarten, Søren"),
    surnames=_pool(
        "Van der Berg, van Dijk, De Vries, Müller, Schäfer, Becker, Jansen, Lindqvist, Johansson, "
        "Østergaard, van den Heuvel, Ter Horst"
    ),
)


_FRENCH = Heritage(
    key="french",
    weight=0.01,
    girls=_pool("Chloé, Noémie, Renée, Élodie, Léa, Amélie, Hélène, Maëlle"),
    boys=_pool("Théo, Lucas, Étienne, Rémi, Jérôme, François, Noël, Gaël"),
    surnames=_pool(
        "Dubois, Lefèvre, Moreau, Girard, Lambert, Rousseau, Bélanger, Le Gall, Saint-Clair, "
        "Deschênes"
    ),
)


_TURKISH_SOMALI = Heritage(
    key="turkish_somali",
    weight=0.03,
    girls=_pool("Elif, Zeynep, Defne, Hodan, Amran, Ayan, Yasmin, Hibo, Ebru"),
    boys=_pool("Emir, Yusuf, Mustafa, Faisal, Abdirahman, Abdi, Kerem, Mehmet, Liban"),
    surnames=_pool(
        "Yılmaz, Öztürk, Demir, Şahin, Çelik, Ahmed, Mohamed, Abdi, Hassan, Farah, Warsame, Aydın"
    ),
)


_ROMANIAN = Heritage(
    key="romanian",
    weight=0.02,
    girls=_pool("Ioana, Gabriela, Andreea, Ștefania, Bianca, Daria, Alexandra"),
    boys=_pool("Andrei, Mihai, Ștefan, Bogdan, Răzvan, Cristian, Vlad"),
    surnames=_pool(
        "Popescu, Ionescu, Popa, Dumitrescu, Stoica, Constantin, Marinescu, Munteanu, Țurcanu"
    ),
)

HERITAGES: tuple[Heritage, ...] = (
    _ENGLISH, _SCOTTISH, _IRISH, _WELSH, _CARIBBEAN, _SOUTH_ASIAN, _WEST_AFRICAN, _POLISH,
    _CHINESE, _VIETNAMESE, _IBERIAN, _NORTH_EUROPEAN, _FRENCH, _TURKISH_SOMALI, _ROMANIAN,
)  # fmt: skip
_WEIGHTS = tuple(h.weight for h in HERITAGES)

# Everyday forms of legal forenames: a MIS holds both, and they differ for a few pupils.
PREFERRED_FORMS: dict[str, str] = {
    "Alexander": "Alex", "William": "Will", "Thomas": "Tom", "Elizabeth": "Beth",
    "Jessica": "Jess", "Samuel": "Sam", "Oluwaseun": "Seun", "Katherine": "Kate",
    "Muhammad": "Mo", "Benjamin": "Ben", "Abigail": "Abi", "Joseph": "Joe",
    "Alexandra": "Lexi", "Zachary": "Zac", "Chukwuemeka": "Emeka", "Edward": "Ted",
    "Charlotte": "Lottie", "Beatrice": "Bea", "Małgorzata": "Gosia", "Oliwia": "Liwia",
}  # fmt: skip

TITLES_WOMEN = ("Mrs", "Ms", "Miss", "Mrs", "Ms", "Dr")
TITLES_MEN = ("Mr", "Mr", "Mr", "Dr")


def pick_heritage(rng: random.Random) -> Heritage:
    return rng.choices(HERITAGES, weights=_WEIGHTS)[0]


def heritage(key: str) -> Heritage:
    for candidate in HERITAGES:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def child_forename(rng: random.Random, origin: Heritage, gender: Gender) -> str:
    return rng.choice(origin.girls if gender == "FEMALE" else origin.boys)


def adult_forename(rng: random.Random, origin: Heritage, gender: Gender) -> str:
    if gender == "FEMALE":
        return rng.choice(origin.women or origin.girls)
    return rng.choice(origin.men or origin.boys)


def surname(rng: random.Random, origin: Heritage) -> str:
    return rng.choice(origin.surnames)


def double_barrelled(rng: random.Random, first: str) -> str:
    """A hyphenated surname, sometimes across traditions (Okafor-Lindqvist)."""
    partner = surname(rng, pick_heritage(rng))
    while partner == first or " " in partner or "-" in partner:
        partner = surname(rng, pick_heritage(rng))
    return f"{first}-{partner}"


def gendered_surname(name: str, gender: Gender | None) -> str:
    """Surnames that agree with gender: Kowalski / Kowalska; Sikh Singh / Kaur."""
    if gender == "FEMALE":
        if name == "Singh":
            return "Kaur"
        for ending, feminine in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if name.endswith(ending):
                return name[: -len(ending)] + feminine
    return name


def title_for(rng: random.Random, gender: str | None) -> str:
    if gender == "FEMALE":
        return rng.choice(TITLES_WOMEN)
    if gender == "MALE":
        return rng.choice(TITLES_MEN)
    return "Mx"


def initials(forename: str, family_name: str) -> str:
    return (forename[:1] + family_name[:1]).upper()


# Letters Unicode decomposition leaves alone, spelt the way UK email systems spell them.
_ASCII_EXTRA = str.maketrans(
    {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ß": "ss", "Ø": "O", "ø": "o", "Æ": "AE",
     "æ": "ae", "ı": "i", "Œ": "OE", "œ": "oe"}
)  # fmt: skip


def ascii_fold(text: str) -> str:
    """'Łucja Nguyễn' -> 'Lucja Nguyen': what a school's email system makes of a name."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    return (
        "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        .encode("ascii", "ignore")
        .decode()
    )


def email_part(name: str) -> str:
    """One name as it appears in an address: folded, lower case, no spaces or apostrophes."""
    folded = ascii_fold(name).lower()
    return "".join(ch for ch in folded if ch.isalnum() or ch == "-")
