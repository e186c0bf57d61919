"""The handicap policy's action plan, status 2019: documented fact from seed 002 (Bilag 1).

Socialforvaltningens "Status og oversigt over samtlige indsatser i Indsatsplanen": four themes,
each initiative with its text, its purpose ("Formål og virkning") and its status 2019. The texts
below are taken from the document (shortened to their first sentences where long): all 38
initiatives in the document's order, each once, under the theme where the document lists it
first (it repeats some under a second theme with "Fremgår også under …"). The ids are this
project's. The stage of 2019 is the project's reading of the status text
(:data:`statusrapport.planer.INDSATS_TRIN`); the document itself has no stages.
"""

from __future__ import annotations

from dataclasses import dataclass

PLAN_ID = "handicappolitik"
STATUSAAR = 2019


@dataclass(frozen=True)
class Indsats:
    """One initiative of the action plan with its status 2019."""

    punkt_id: str
    tema: str
    punkt: str
    formaal: str
    status_2019: str  # the project's reading of the status text (planer.INDSATS_TRIN); "": none
    statustekst_2019: str


_GODT = "Det gode liv"
_DELT = "Deltagelse"
_DSUB = "Dagtilbud, skole, uddannelse og beskæftigelse"
_NET = "Netværk"

INDSATSER: tuple[Indsats, ...] = (
    Indsats(
        "G01",
        _GODT,
        "Familiehuset: Et kommunalt tilbud rettet mod børn og unge med nedsat fysisk eller "
        "psykisk funktionsevne og deres familier.",
        "Formålet er at hjælpe familier til børn og unge med handicap med at håndtere "
        "udfordringer i hverdagen.",
        "i gang",
        "I Familiehuset arbejdes der på at kompetenceudvikle kontaktpersonerne i forhold den "
        "autistiske del af målgruppens behov for at blive mødt med relevant autismespecifik "
        "viden. Vi er således i gang med at udvikle en fælles videns baseret tilgang for alle "
        "kontaktpersonerne i Familiehuset i BCH.",
    ),
    Indsats(
        "G02",
        _GODT,
        "Projekt Borgeren i førersædet: Fremskudt sagsbehandling, hvor sagsbehandlere fx laver "
        "sagsbehandling på et botilbud.",
        "På den måde bliver det lettere for borgeren, som får hjælp i egne trygge omgivelser "
        "samtidig med, at sagsbehandleren opnår bedre indsigt i borgerens situation.",
        "i gang",
        "Der er udgivet en bog som beskriver processer og dialogredskaber til bedre "
        "opfølgningsmøder med borgerne - Medborgerskabsfortællingen. 3. runde af "
        "opfølgningsmøder med borgere er gennemført.",
    ),
    Indsats(
        "G03",
        _GODT,
        "Styrket borgerdialog og læringspraksis: Målsætning fra Borgercenter Handicaps "
        "udviklingsplan.",
        "Formålet med indsatserne er bl.a., at borgerne i højere grad er tilfredse med dialogen "
        "med sagsbehandlerne i Borgercenter Handicap.",
        "i drift eller afsluttet",
        "Indsatsen afsluttes som projekt og overgår til almindelig drift. Målet om 80% "
        "tilfredshed på borgermøder er nået pr. 1.6.19: 86,7% af borgerne angiver samlet set, "
        "at de er tilfredse med måden, som de bliver mødt på til møderne.",
    ),
    Indsats(
        "G04",
        _GODT,
        "Sikre et tilstrækkeligt antal botilbudspladser til det stigende antal borgere med "
        "autisme og senhjerneskade.",
        "Behovene for botilbud er stigende. Kommunen skal kunne tilbyde borgere et botilbud, "
        "som bedst muligt lever op til deres behov.",
        "planlagt",
        "Grøndalsvænge: Der er afsat anlægsmidler i budget 2020 til omlægning af 12 pladser til "
        "borgere med erhvervet hjerneskade. Søflygade: I 2019 blev afsat en "
        "planlægningsbevilling til planlægning af etablering af op til 35 boliger efter "
        "serviceloven til borgere med autisme.",
    ),
    Indsats(
        "G05",
        _GODT,
        "Sikre tidssvarende forhold for borgerne i forvaltningens eksisterende tilbud.",
        "Der er på mange af Socialforvaltningens tilbud identificeret et moderniserings- og "
        "vedligeholdelsesefterslæb. Fokus er i først omgang på døgntilbud.",
        "planlagt",
        "Renovering af Pallesvej og Horisonten. I Budget 2020 er der afsat midler til "
        "renovering af botilbuddet Pallesvej samt en mindre renovering af dagtilbuddet "
        "Horisonten på samme matrikel.",
    ),
    Indsats(
        "G06",
        _GODT,
        "Styrke den pædagogiske støtte i forvaltningens botilbud.",
        "Et større antal pædagoger på botilbuddene vil øge kapaciteten i forhold til at tilbyde "
        "borgerne mulighed for at opleve, deltage og udfolde sig.",
        "ikke igangsat",
        "Denne indsats blev ikke prioriteret til budgetforliget 2019.",
    ),
    Indsats(
        "G11",
        _GODT,
        "Pleje-, sanse- og planlægningsorienteret velfærdsteknologi: Anvendelse af vend-let, "
        "vaske/tørre-toiletter, spiserobotter, sanse- og motionsredskaber samt strukturapps.",
        "Formålet er, at borgerne opnår større selvhjulpenhed og får mere indflydelse på egen "
        "hverdag.",
        "i gang",
        "Vend-Let senge er implementeret i de centre og til de borgere, hvor det giver værdi ift. "
        "pleje og trivsel. Det samme gælder Skylle-tørre-toiletter. Spiseteknologier er ikke "
        "slået igennem.",
    ),
    Indsats(
        "G12",
        _GODT,
        "Kommunikationsorienteret velfærdsteknologi: Videooptagelser, sanseprofiler, "
        "velfærdsteknologiske CV'er, sociale historier og andre digitale "
        "kommunikationsværktøjer, der bruges til at forberede overgange.",
        "Formålet er at forbedre kommunikationen med borgere, også borgere uden sprog, og at "
        "gøre vigtige overgange i borgernes liv så positive og trygge som muligt.",
        "i gang",
        "Virtuel Reality-videoer afprøves rundt omkring som redskab. Der er afprøvet flere "
        "strukturapps, men pga. den teknologiske udvikling og modenhed på området, er der behov "
        "for at afklare og beslutte, hvilke teknologier der kan løse behovet bredt på tværs af "
        "institutioner.",
    ),
    Indsats(
        "G07",
        _GODT,
        "Hjerneskadekoordinationen – samarbejde mellem Sundheds- og Omsorgsforvaltningen og "
        "Socialforvaltningen.",
        "Formålet med Hjerneskadekoordinationen er, at borgerne og deres pårørende oplever, at "
        "deres indsatser bliver koordineret på tværs internt og eksternt i kommunen.",
        "i drift eller afsluttet",
        "Hjerneskadekoordinationen har gennemført 460 forløb siden opstarten i 2016 til og med "
        "2018. Evalueringen viser, at formålet med Hjerneskadekoordinationen i høj grad er "
        "opfyldt.",
    ),
    Indsats(
        "G13",
        _GODT,
        "Implementering af ny organisering på hjerneskadeområdet (CEH): Indsatserne opdeles "
        "efter målgrupper; derudover etablering af et internt dagtilbud på botilbuddet Verahus.",
        "Bedre sammenhæng og kvalitet i neurorehabilitering og hverdagsrehabilitering.",
        "i gang",
        "Der er fortsat store udfordringer med rekruttering af faguddannet personale. Denne del "
        "af projektet er lidt bagud ift. tidsplanen. Dagtilbuddet på Verahus er etableret og der "
        "arbejdes med godkendelses- og visitationsproces.",
    ),
    Indsats(
        "G14",
        _GODT,
        "Fokus på demensudredning (COS): Demenskonsulenter følger op på igangværende "
        "demensindsatser, herunder sammenhængen til pædagogiske planer.",
        "Formålet er at kvalificere demensudredning og dokumentation, så det sammen med de "
        "pædagogiske metoder giver borgerne mulighed for bedre livskvalitet i de sidste leveår.",
        "i gang",
        "Indsatsen forløber planmæssigt. COS har på intranettet et elektronisk metodekatalog, som "
        "beskriver vurdering, udredning og metoder.",
    ),
    Indsats(
        "G15",
        _GODT,
        "Råd og vejledning om misbrug: Råd og vejledning om misbrug til professionelle, der "
        "arbejder med borgere med handicap, der har problematisk brug af rusmidler.",
        "Formålet er at sikre, at borgerne oplever nem adgang og relevant "
        "rusmiddelbehandling/rådgivning ved at øge de professionelles viden om tilbud og "
        "muligheder.",
        "",  # the status 2019 says only who reported it: no stage can be read from it
        "Indsatsen er indmeldt af BCV",
    ),
    Indsats(
        "G08",
        _GODT,
        "Smertevurdering af børn uden sprog (CBH): Videndeling om smerter hos børn, der ikke "
        "selv kan udtrykke deres behov.",
        "Formålet er, at børn uden sprog med smerter får adgang og behandling i sundhedssystemet.",
        "i gang",
        "Tidsplanen i den oprindelige procesplan for implementeringen af smerteprofiler er "
        "overskredet en smule. Arbejdet er igangsat på alle institutioner.",
    ),
    Indsats(
        "G16",
        _GODT,
        "Seksualambassadørnetværket (CBH): Repræsentanter blandt medarbejderne, der drøfter "
        "etiske spørgsmål og sparrer omkring arbejdet med seksualvejledning.",
        "Formålet er at styrke arbejdet med seksualvejledning, der giver børnene/de unge indsigt "
        "i egen seksualitet og hjælp til håndtering af behov.",
        "i gang",
        "Seksualambassadørnetværkets arbejde forløber fortsat planmæssigt. Seksualmappen er "
        "udarbejdet og præsenteret for dele af ledergruppen. Pilotfasen vedr. mappen afsluttes i "
        "efteråret 2019.",
    ),
    Indsats(
        "G09",
        _GODT,
        "Uddannelse af seksualvejledere (COS).",
        "Formålet er at give borgere mulighed for at udleve deres seksualitet ud fra de "
        "muligheder, de har.",
        "ikke igangsat",
        "COS kommer ikke til at arbejde videre med denne indsats. Der er p.t. ikke økonomi i "
        "centeret til at uddanne seksualvejledere.",
    ),
    Indsats(
        "G10",
        _GODT,
        "Flere sagsbehandlere og kompetenceudvikling til Borgercenter Handicap.",
        "Flere sagsbehandlere skal bidrage til, at flere sager bliver behandlet inden for de "
        "politisk fastsatte sagsbehandlingsfrister i Borgercenter Handicap.",
        "i drift eller afsluttet",
        "Der blev afsat 15 mio. til styrket sagsbehandling i budget 2019. De ekstra ressourcer "
        "er pr. 1. februar 2019 blevet omsat til tyve nye medarbejdere.",
    ),
    Indsats(
        "G17",
        _GODT,
        "Styrket kvalitet i sagsbehandlingen: Målsætning fra Borgercenter Handicaps "
        "udviklingsplan, bl.a. kompetenceudvikling af sagsbehandlerne og Projekt fast "
        "sagsbehandler.",
        "Borgernes oplevelse af kontinuitet og sammenhæng i sagsbehandlingen forbedres.",
        "i gang",
        "Siden januar 2019 har 89 medarbejdere på myndighedsområdet gennemgået introforløb, "
        "herunder undervisning i Styrket Borger Kontakt og minifokus. Fast sagsbehandler: "
        "Kvantitativ og kvalitativ evaluering er gennemført.",
    ),
    Indsats(
        "G18",
        _GODT,
        "Rettidighed i sagsbehandlingen: Målsætning fra Borgercenter Handicaps udviklingsplan, "
        "bl.a. overholdelse af sagstidsfrister og Projekt lettelse af sagsbehandlingen.",
        "Borgerne får hurtigere den nødvendige støtte til at kunne leve et selvstændigt liv.",
        "i gang",
        "Sagsfristoverholdelsen for de tre største sagsområder er for oktober 2019 på 79,5 pct. "
        "mod 62 pct. ved sidste status i juni 2019. Socialforvaltningen forventer, at den vil "
        "være på 82 pct. ved udgangen af 2019.",
    ),
    Indsats(
        "G19",
        _GODT,
        "Kompetenceudvikling: Forskellige former for kompetenceudvikling for medarbejdere på "
        "botilbudsområdet og sagsbehandlere, fx konflikthåndtering og neuropædagogik.",
        "Formålet er, at medarbejderne får styrket deres kompetencer og fælles faglighed samt får "
        "en endnu større forståelse for målgruppernes behov.",
        "i gang",
        "I Center Campo er uddannelse i neuropædagogik for medarbejdere og ledere i 2019 planlagt "
        "og under afvikling. I starten af 2020 vil der blive lagt en strategi for fremtidig "
        "indsats omkring neuropædagogik.",
    ),
    Indsats(
        "G20",
        _GODT,
        "Attraktiv arbejdsplads: Målsætning fra Borgercenter Handicaps udviklingsplan med bl.a. "
        "kompetenceudvikling til sagsbehandlere samt rekruttering og fastholdelse af "
        "medarbejdere.",
        "Formålet er at styrke evnen til at levere god borgerservice via en stærk, velfungerende "
        "medarbejderstab.",
        "i gang",
        "Som led i onboarding af nyansatte sagsbehandlere er der etableret et intensivt "
        "kompetenceudviklingsforløb strækkende sig fra 2019-2021. Kompetenceudviklingsprojektet "
        "forløber som planlagt.",
    ),
    Indsats(
        "D01",
        _DELT,
        "Ferie og fritidstilbud til forvaltningens borgere, evt. via frivillige organisationer.",
        "Flere borgere med handicap får mulighed for at komme på ture, få oplevelser og deltage "
        "aktivt i samfundslivet.",
        "ikke igangsat",
        "Denne indsats blev ikke prioriteret til budgetforliget 2019.",
    ),
    Indsats(
        "D02",
        _DELT,
        "Barnets livsfortælling (CBH): Metodeudviklingsprojekt rettet mod døgnanbragte børn, "
        "hvor formålet er først og fremmest at se barnet frem for diagnoser.",
        "Livsfortællingen er først og fremmest barnets bog, som har et sted, hvor vigtige og "
        "personlige minder og interesser er samlet.",
        "i gang",
        "Svanehuset er den institution, der er længst i arbejdet omkring livsfortællinger. "
        "Udarbejdelse af skriftligt materiale vedr. livsfortællinger til forældre og "
        "medarbejdere er blevet forsinket grundet manglende tid.",
    ),
    Indsats(
        "D03",
        _DELT,
        "Børne- og ungemøder (CBH): Møder på botilbud hvor børnene/de unge har mulighed for at "
        "give deres mening til kende ift. trivsel, ønsker om ture, mad, etc.",
        "Børnene og de unge lærer at træffe beslutninger omkring egen hverdag og livsførelse og "
        "får på den måde også selv- og medbestemmelse.",
        "i drift eller afsluttet",
        "Børne- og ungemøderne er implementeret på tre af CBHs institutioner.",
    ),
    Indsats(
        "D04",
        _DELT,
        "Borgerens Plan: Med Borgerens Plan får borgere og medarbejdere én plan at forholde sig "
        "til.",
        "Formålet er, at borgerne oplever styrket indflydelse på og ejerskab til egne mål, bedre "
        "hjælp med fokus på fremgang samt mere sammenhængende indsatser.",
        "i gang",
        "Borgerens Plan er implementeret på 5 tilbud i BCH. Der er lagt plan for implementering "
        "på yderligere 4 tilbud i 2019.",
    ),
    Indsats(
        "D05",
        _DELT,
        "Individuelt tilpasset velfærdsteknologi: Individuelt tilpassede "
        "kommunikationsteknologier, videokald, digitale tavler og strukturapps.",
        "Borgere er selv med til at fastsætte mål og indsatser og kan selv arbejde aktivt med "
        "målene, hvilket giver øget mestring for den enkelte.",
        "i gang",
        "I 2019 er der implementeret eTavler på fem tilbud, som er en del af et nyt system, der "
        "både understøtter medarbejdernes opgaveoverblik og tilbyder overblikstavler og "
        "overbliksapps.",
    ),
    Indsats(
        "D06",
        _DELT,
        "Beskæftigelses og aktivitetstilbud i Center Campo: I Center Campo arbejdes der på at "
        "afdække mulighederne for at oprette beskæftigelses- eller aktivitetstilbud til "
        "centerets målgruppe.",
        "Flere borgere får mulighed for socialt samvær og for at danne relationer, der er "
        "vigtige for det gode liv.",
        "planlagt",
        "Indsatsen er ændret sådan at det planlægges at arbejde med dokumentation ift. at "
        "formulere mål for borgernes beskæftigelsestilbud.",
    ),
    Indsats(
        "D07",
        _DELT,
        "Uddannelse i pårørendesamarbejde: Medarbejdere uddannes i samarbejde med pårørende "
        "bl.a. med pårørende som undervisere.",
        "Medarbejdere bliver bedre til at samarbejde og involvere pårørende i den fælles indsats "
        "til borgeren.",
        "i gang",
        "Hold 1: 26 studerende er gennemført. Hold 2: 29 studerende er gennemført. Hold 3: 26 "
        "studerende er opstartet i primo september.",
    ),
    Indsats(
        "D08",
        _DELT,
        "Brugertilfredshedsundersøgelse: Forvaltningens årlige undersøgelse som bl.a. giver "
        "viden om brugernes oplevelse af kvaliteten i tilbud og på institutioner.",
        "Formålet er at skabe større tilfredshed gennem inddragelse af borgernes meninger og "
        "holdninger.",
        "i drift eller afsluttet",
        "Den årlige brugertilfredshedsundersøgelsen er i gang, og gennemføres på både "
        "myndighedsområdet og i centrene.",
    ),
    Indsats(
        "U01",
        _DSUB,
        "Skoleflex og Tilbageslusningsflex: Kombinerede fleksible skoletilbud, som kan "
        "iværksættes mellem Børne- Ungdomsforvaltning og Socialforvaltningen.",
        "Formålet med Tilbageslusningsflex er at udvide barnets/den unges muligheder for at "
        "vende tilbage og forblive i almenskolen.",
        "i drift eller afsluttet",
        "Både Skoleflex og Tilbageslusningsflex forløber planmæssigt og anvendes til at "
        "fastholde børn i almenskolen, samt at sikre en god tilbagevenden til almenskolen.",
    ),
    Indsats(
        "U02",
        _DSUB,
        "Undervisning om arbejdsmarkedet: Indføring af praktikker samt undervisning i "
        "arbejdsmarkedskendskab som en del af Særligt Tilrettelagt Uddannelse (STU) samt i "
        "ungetilbud.",
        "Formålet er at give de unge større tilknytning til arbejdsmarkedet og inklusion i "
        "arbejdsfællesskab.",
        "i drift eller afsluttet",
        "IBOS har arbejdet på at øge arbejdsmarkedskendskabet blandt STU-elever og kursister i "
        "ungetilbud. Indsatsens udviklingsfase er afsluttet sommeren 2019.",
    ),
    Indsats(
        "U03",
        _DSUB,
        "Akademiet: Internt undervisningstilbud for borgere med handicap.",
        "Formålet er at støtte borgerne i at skabe nye livsmuligheder såsom beskæftigelse samt "
        "personlige og sundhedsfremmende kompetencer.",
        "i gang",
        "Der er afholdt akademiforløb i samarbejde med aftenskolerne. Det er en udfordring, at "
        "der har været for få deltagere.",
    ),
    Indsats(
        "U04",
        _DSUB,
        "Beslutnings- og koordinationsudvalget: Samarbejdsforum mellem Børne- og "
        "Ungdomsforvaltningen og Socialforvaltningen.",
        "Formålet er at sikre en praksis, hvor alle løsninger og muligheder for støtte overvejes "
        "og sammentænkes med afsæt i barnets behov.",
        "i gang",
        "Der er udarbejdet en informationsfolder målrettet forældre til børn, hvis sag drøftes "
        "af de lokale Beslutnings- og koordinationsudvalg.",
    ),
    Indsats(
        "U05",
        _DSUB,
        "Sammenhængende kommunal ungeindsats (KUI): En sammenhængende kommunal ungeindsats på "
        "tværs af uddannelses-, beskæftigelses- og socialindsatsen.",
        "Formålet er, at unge får en mere helhedsorienteret støtte, som skal bidrage til, at "
        "flere unge kommer i uddannelse og/eller beskæftigelse.",
        "i drift eller afsluttet",
        "Den sammenhængende Ungeindsats er etableret i København Kommune.",
    ),
    Indsats(
        "U06",
        _DSUB,
        "Styrket samarbejde med private virksomheder og organisationer: Bl.a. via PEP-projektet "
        "(Pre-employment Program).",
        "Formålet er, at flere mennesker med synshandicap bliver selvhjulpne i "
        "jobsøgningsprocessen og kommer i job.",
        "i drift eller afsluttet",
        "Indsatsen har måttet nedskaleres. Indsatsen har ikke længere projektkarakter og er "
        "derfor afsluttet.",
    ),
    Indsats(
        "N01",
        _NET,
        "Åben rådgivning til unge: Et gratis, åbent og anonymt tilbud til børn og unge med en "
        "autismediagnose eller anden handicapdiagnose i alderen 0-23 år i København.",
        "Formålet er at give børn og unge et sted, hvor nogen lytter til, hvordan de har det.",
        "i drift eller afsluttet",
        "Delindsatsen 'Åben rådgivning' under projekt Tættere på Familien er i fuld drift med "
        "mulighed for kontakt via personligt fremmøde, telefon eller chat.",
    ),
    Indsats(
        "N02",
        _NET,
        "Hverdagsaktivisterne: Aktivitet hvor borgere med handicap er frivillige i samfundet og "
        "laver også aktiviteter for andre borgere med handicap.",
        "Flere får øje på de ressourcer, borgere med handicap besidder. Herudover øges de "
        "sociale relationer mellem forskellige mennesker.",
        "i gang",
        "Hverdagsaktivisterne har indgået et partnerskab med Frivilligcenter Vesterbro, og har "
        "modtaget 3.5 millioner i fondsstøtte af VELUX Fonden.",
    ),
    Indsats(
        "N03",
        _NET,
        "Indsatser og sociale aktiviteter, hvor frivillige deltager.",
        "Formålet er at etablere og styrke borgernes netværk og deres muligheder for at deltage "
        "i aktiviteter i samfundslivet.",
        "i gang",
        'I CAS arbejdes med projekt "Vind i håret", hvor frivillige cykler med borgere. '
        "Projektet er i gang, med cykelture hver dag.",
    ),
    Indsats(
        "N04",
        _NET,
        "'SOF/LEV' boligprojekt: Et innovationsprojekt, som har det formål at bygge et nyt "
        "bosted, der tænker velfærdsteknologi ind fra begyndelsen.",
        "Formålet er dels, at borgerne bliver mere selvstændige i eget hjem og dels at skabe "
        "større integration i samfundet for borgere med handicap.",
        "planlagt",
        "Botilbuddet på Thomas Laubs Gade skulle efter planen have været taget i brug i foråret "
        "2020, men pga. anlægsloft er projektet udskudt til ibrugtagelse i november 2021.",
    ),
)
