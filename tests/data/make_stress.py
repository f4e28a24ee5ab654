"""Regenerate tests/data/stress.json (python tests/data/make_stress.py): a long but valid brief that forces
shrinking, continuation slides and one-pager omissions in every layout. Check it with `hkbrief validate`.
"""
import json
from pathlib import Path

LONG_WORD = ("Antidisestablishmentarianism" "Supercalifragilisticexpialidocious")[:60]
assert len(LONG_WORD) == 60

EN = [
    "Universities, research institutes and start-ups work side by side in science parks, sharing laboratories, pilot lines and test beds so that promising ideas reach the market years sooner than before",
    "Public funding schemes match private investment dollar for dollar in early rounds, lowering the risk for investors and letting founders spend less time raising money and more time building products",
    "Talent programmes bring in researchers and engineers from around the world, while scholarships and internships keep local graduates in research careers rather than losing them to other industries",
    "Cross-boundary data arrangements let hospitals and universities run joint clinical studies with larger and more varied patient groups, under safeguards that protect privacy and meet both jurisdictions' rules",
    "A common-law system, an independent judiciary and strong protection of intellectual property give overseas partners the confidence to license technology and to set up regional research headquarters here",
    "Green-finance instruments, from sustainability-linked loans to certified green bonds, channel capital into clean-energy start-ups and into retrofitting the city's buildings and transport networks",
    "Regulatory sandboxes allow fintech, health-tech and autonomous-vehicle companies to test products with real customers under supervision before full licences are granted, shortening time to market",
    "Incubation programmes offer office space, mentoring, legal advice and introductions to corporate buyers, and their graduates report higher survival rates than comparable start-ups elsewhere in the region",
    "Industry-academic partnerships convert research results into products through joint laboratories, licensing offices and proof-of-concept grants that fund the expensive step between a paper and a prototype",
    "Trade missions and international conferences showcase local technology to buyers and investors from the Middle East, Europe and South-East Asia, opening markets for companies that began as university spin-offs",
    "Digital infrastructure, from 5G coverage and data centres to a government data portal with thousands of open datasets, lets developers build and test new services quickly and at low cost",
    "Secondary schools now teach coding, robotics and data literacy, and competitions and summer camps give pupils an early taste of research, building a pipeline of future scientists and engineers",
    "Manufacturing is returning in a new form: smart production lines that use robotics, sensors and artificial intelligence to make high-value goods such as medical devices, microelectronics and new materials",
    "Venture capital, private equity and family offices based in the city manage a large pool of capital in the region, and a growing share of it is directed to deep-technology companies at every stage",
]
ZH = [
    "香港的大學、研究機構和初創企業在科學園內緊密合作，共用實驗室、試產線和測試平台，讓有潛力的構思比以往更快走向市場",
    "政府資助計劃在早期融資中與私人投資配對，降低投資者的風險，令創辦人可以少花時間籌集資金，多花時間開發產品",
    "跨境數據安排讓醫院和大學可以與更大、更多元的病人群組進行聯合臨床研究，同時保障私隱並符合兩地規定",
    "普通法制度、獨立的司法機構和完善的知識產權保護，令海外夥伴有信心在香港授權技術及設立區域研究總部",
]
MIXED = [
    f"Some identifiers never break: {LONG_WORD} must still stay inside its box when the renderer wraps it",
    "Bilingual briefings mix scripts in one line: InnoHK 創新香港研發平台 hosts 28 laboratories (實驗室) from 9 economies",
]


def text(n: int) -> str:
    return EN[n % len(EN)]


def summary(seed: int, length: int = 300) -> str:
    words = (" ".join(EN[(seed + i) % len(EN)] for i in range(6))).split()
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > length - 1:
            break
        out = f"{out} {word}" if out else word
    return out.rstrip(",;") + "."


sections = []
specs = [
    ("long-bullets", "Fourteen Long Bullets on One Topic", 14, []),
    ("mixed-scripts", "Mixed Scripts: English and 繁體中文", 12, ZH + MIXED),
    ("research-base", "A Research Base That Keeps Growing", 10, []),
    ("capital-and-markets", "Capital, Markets and the Rule of Law", 11, []),
    ("talent", "Talent From Everywhere, Kept at Home", 13, [ZH[2]]),
    ("infrastructure", "Digital and Physical Infrastructure", 10, []),
    ("schools", "From Classroom Coding to Laboratories", 12, []),
    ("outlook", "Outlook: What the Next Decade Should Bring", 14, [MIXED[0]]),
]
stat_ids = []
stats = []
values = ["HK$10 billion", "14,200", "15,500", "HK$1 billion", "4,694", "1,800", "10", "Over 87 million",
          "5 of the top 100", "US$1.2 billion", "HK$2,345,678,901", "28 laboratories", "97.5%", "No. 2",
          "3.4 million m²", "1 in 5", "HK$500 million", "2,000+", "63", "12 years", "HK$38.6 billion",
          "180,000 people"]
for i, value in enumerate(values):
    sid = f"stat-{i + 1:02d}"
    stat_ids.append(sid)
    label = (f"Figure {i + 1}: {EN[i % len(EN)][:120].rsplit(' ', 1)[0]}" if i % 3 else
             {"en": f"Figure {i + 1}: a measure of progress in research, funding and talent",
              "zh-Hant": f"數字{i + 1}：研究、資金及人才方面的進展"})
    stats.append({"id": sid, "value": value, "label": label, "source": ["gov", "univ", "stats-office"][i % 3]})

for index, (sid, heading, count, extra) in enumerate(specs):
    bullets = list(extra) + [text(index * 3 + j) for j in range(count - len(extra))]
    section = {
        "id": sid,
        "heading": heading,
        "bullets": bullets,
        "summary": summary(index, 300 if index % 2 == 0 else 520),
        "notes": [f"Speaker notes for {heading.lower()}: {EN[index]}."],
    }
    sections.append(section)
# a few stats and quotes beside sections (compact layout), the rest on stats slides
sections[0]["stats"] = ["stat-01", "stat-02"]
sections[2]["stats"] = ["stat-03", "stat-04", "stat-05"]
sections[0]["quotes"] = ["short-one"]
sections[3]["quotes"] = ["very-long"]

LONG_QUOTE = (
    "We did not become a hub for innovation by accident. It took decades of patient investment in universities, "
    "in laboratories and in the people who work in them; it took a legal system that investors trust and a "
    "financial market deep enough to fund ideas from the first prototype to the stock exchange; and it took the "
    "humility to learn from partners in the Mainland, in the Middle East and in Europe. The next decade will ask "
    "more of us: we must turn research into products, products into companies and companies into employers, and we "
    "must do it while keeping the city open, connected and fair to the young people who will inherit it."
)
assert 600 <= len(LONG_QUOTE) <= 2000, len(LONG_QUOTE)
quotes = [
    {"id": "very-long", "text": LONG_QUOTE, "speaker": "Dr. Alexandra Q. Long-Speaker",
     "title": "Chair of the Committee on Research, Innovation, Technology and the Digital Economy",
     "organisation": "Hong Kong Stress Test Institute", "source": "univ"},
    {"id": "short-one", "text": {"en": "Small steps, taken every day, add up to a hub.", "zh-Hant": "每天一小步，積累成樞紐。"},
     "speaker": "Ms. Short", "title": "Founder", "source": "gov"},
    {"id": "unfeatured", "text": "This quote is not featured.", "speaker": "Mr. Nobody", "title": "Observer",
     "source": "gov"},
]
sources = [
    {"id": "gov", "name": "Hong Kong Special Administrative Region Government, Innovation, Technology and Industry Bureau",
     "url": "https://www.itib.gov.hk/"},
    {"id": "univ", "name": {"en": "A Consortium of Universities and Research Institutes", "zh-Hant": "大學及研究機構聯盟"}},
    {"id": "stats-office", "name": "Census and Statistics Department", "url": "https://www.censtatd.gov.hk/"},
]
featured = ["quote:very-long"] + [f"stat:{s}" for s in stat_ids[:12]] + ["quote:short-one"] + \
           [f"stat:{s}" for s in stat_ids[12:]]
brief = {
    "meta": {
        "title": "Stress Brief: Long Sections, Many Figures and Mixed Scripts",
        "short_title": "Stress Brief",
        "subtitle": "A deliberately oversized brief that makes every layout shrink text, continue sections onto "
                    "further slides and leave items out of the one-pager.",
        "date": "2026-11-25",
        "organisation": "hkbrief test suite",
        "handling": "For testing only",
        "language": "en",
        "keywords": ["stress", "overflow", "continuation"],
    },
    "sections": sections,
    "stats": stats,
    "quotes": quotes,
    "sources": sources,
    "featured": featured,
}
Path(__file__).with_name("stress.json").write_text(json.dumps(brief, ensure_ascii=False, indent=1) + "\n",
                                                     encoding="utf-8")
print(len(LONG_QUOTE), [len(s["summary"]) for s in sections])
