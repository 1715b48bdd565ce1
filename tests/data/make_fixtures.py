"""Write the corpus fixtures under tests/data (run once; the files are committed).

    .venv/bin/python tests/data/make_fixtures.py

Kept so that the bytes of every fixture (legacy encodings, byte-order marks, CRLF, empty
files) are documented and can be remade. Tests never run it; they read the files.
"""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent

BODY_A = ("أعلن الائتلاف الوطني السوري في بيان اليوم أن الحل في سوريا لا يكون إلا سياسياً "
          "وفق القرار 2254.\n"
          "وقال رئيس الائتلاف إن المعارضة مستعدة للمشاركة في جولة جديدة من المحادثات في جنيف.\n")
BODY_B = ("التقى وفد من الائتلاف مع المبعوث الدولي إلى سوريا في إسطنبول، وبحث معه ملف المعتقلين.\n"
          "وأكد الوفد ضرورة وقف القصف على المدنيين في إدلب وريف حلب.\n")
BODY_C = ("وأشار البيان إلى أن الحكومة المؤقتة تعمل على تأمين الخدمات في المناطق المحررة.\n")


def write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def meta(rows: list[str], header: str = "doc_id,file,era,date") -> str:
    return "\n".join([header, *rows]) + "\n"


def clutter() -> None:
    d = HERE / "clutter"
    shutil.rmtree(d, ignore_errors=True)
    write(d / "s01.txt", (
        "تابعونا على قناة تلغرام\n"
        "انضم إلى قناتنا على تيليغرام لتصلك آخر الأخبار أولاً بأول\n"
        "اضغط هنا للانضمام\n"
        "\n"
        "إسطنبول – عنب بلدي – كتب: أحمد الخليل\n"
        "\n"
        "عقد رئيس الحكومة السورية المؤقتة اجتماعاً موسعاً مع ممثلي المجالس المحلية في ريف حلب "
        "الشمالي، وناقش معهم واقع الخدمات في المنطقة.\n"
        "\n"
        "وقال في كلمة أمام الحضور إن الحكومة تعمل على تأمين الكهرباء والمياه للمدن التي تضررت "
        "من القصف خلال الأشهر الماضية.\n"
        "\n"
        "ملف التعليم\n"
        "\n"
        "وأضاف أن المدارس في المنطقة تحتاج إلى دعم عاجل، مشيراً إلى أن آلاف الطلاب ما زالوا "
        "خارج صفوف الدراسة.\n"
        "\n"
        "ودعا المنظمات الدولية إلى زيادة الدعم المخصص للقطاع التعليمي في الشمال السوري.\n"
        "\n"
        "الوضع الأمني\n"
        "\n"
        "من جهة أخرى، أكد أن الأجهزة الأمنية ألقت القبض على عدد من المتورطين في التفجيرات "
        "الأخيرة.\n"
        "\n"
        "الوسوم: سوريا، الحكومة المؤقتة، حلب\n"
        "عنب بلدي\n"))
    write(d / "s02.txt", (
        "أعلنت هيئة التفاوض السورية أنها تسلمت دعوة رسمية من الأمم المتحدة للمشاركة في جولة "
        "جديدة من المحادثات في جنيف الشهر المقبل.\n"
        "وقال المتحدث باسم الهيئة في مؤتمر صحفي إن الوفد سيتوجه إلى جنيف بعد التشاور مع "
        "الفصائل العسكرية والقوى السياسية.\n"
        "وأضاف أن الهيئة تطالب بجدول أعمال واضح يبدأ بملف المعتقلين ووقف القصف على المدنيين.\n"
        "هيئة التفاوض تتلقى دعوة أممية لجولة جديدة في جنيف\n"
        "المتحدث باسم الهيئة: ملف المعتقلين أولاً\n"
        "هيئة التفاوض تتلقى دعوة أممية لجولة جديدة في جنيف\n"
        "سجّل الدخول لمتابعة القراءة\n"
        "اشترك في نشرتنا البريدية ليصلك كل جديد\n"
        "المصدر : وكالة الأناضول"))
    write(d / "s03.txt", (  # clean: every line must come through untouched
        "أكد الائتلاف الوطني السوري في بيان اليوم أن الحل في سوريا لا يمكن أن يكون إلا سياسياً "
        "وفق القرار 2254.\n"
        "\n"
        "وحظرت السلطات تطبيق واتساب في عدد من المناطق خلال الأسبوع الماضي، بحسب ما نقلت "
        "وكالات الأنباء.\n"
        "\n"
        "وقال المصدر: \"لن نقبل بأي حل لا يضمن عودة اللاجئين\".\n"
        "\n"
        "المصدر الرسمي للبيان هو الدائرة الإعلامية، كما جاء في نص البيان المنشور على الموقع.\n"
        "\n"
        "وأضاف البيان:\n"
        "\n"
        "\"إن الشعب السوري يستحق السلام\".\n"
        "\n"
        "وختم البيان بالتأكيد على أن الائتلاف سيواصل العمل مع الشركاء الدوليين.\n"))
    write(d / "s04.txt", codecs.BOM_UTF8 + (
        "بقلم: سارة الأحمد\r\n"
        "القاهرة (رويترز) -\r\n"
        "قالت مصادر دبلوماسية إن اجتماعاً لوزراء الخارجية العرب سيعقد الأسبوع المقبل لبحث "
        "الأزمة السورية.\r\n"
        "اقرأ أيضاً: الجامعة العربية تبحث عودة سوريا\r\n"
        "وأضافت المصادر أن عدداً من الدول يطالب بموقف موحد من المبادرات الدولية المطروحة.\r\n"
        "سياسة\r\n"
        "الشرق الأوسط").encode("utf-8"))
    write(d / "s05.txt", (
        "أعلنت الأمم المتحدة أن المبعوث الخاص إلى سوريا سيزور دمشق الأسبوع المقبل لبحث ملف "
        "اللجنة الدستورية.\n"
        "وأوضح بيان المكتب أن الزيارة تأتي ضمن جولة إقليمية تشمل عمّان وأنقرة.\n"
        "لمتابعة آخر الأخبار عبر واتساب\n"
        "انقر هنا\n"))
    write(d / "metadata.csv", meta([
        "s01,s01.txt,synthetic,2019-05-02",
        "s02,s02.txt,synthetic,2019-06",
        "s03,s03.txt,synthetic,2019",
        "s04,s04.txt,synthetic,2019-07-15",
        "s05,s05.txt,synthetic,",
    ]))


def good(d: Path, n: int = 2) -> None:
    bodies = [BODY_A, BODY_B, BODY_C]
    for k in range(n):
        write(d / f"{k:03d}.txt", bodies[k % 3])


def bad() -> None:
    root = HERE / "bad"
    shutil.rmtree(root, ignore_errors=True)
    two = ["000,000.txt,khoja,2015-04-30", "001,001.txt,khoja,2015-05-01"]

    d = root / "encoding_cp1256"          # every file in windows-1256
    write(d / "000.txt", BODY_A.encode("cp1256"))
    write(d / "001.txt", BODY_B.encode("cp1256"))
    write(d / "metadata.csv", meta(two))

    d = root / "empty_file"               # one empty, one whitespace-only
    good(d, 1)
    write(d / "001.txt", b"")
    write(d / "002.txt", " \n\t\n")
    write(d / "metadata.csv", meta([two[0], two[1], "002,002.txt,khoja,2015-05-02"]))

    d = root / "unlisted_file"            # extra.txt has no metadata row
    good(d)
    write(d / "extra.txt", BODY_C)
    write(d / "metadata.csv", meta(two))

    d = root / "missing_file"             # a row names 002.txt, which is absent
    good(d)
    write(d / "metadata.csv", meta([*two, "002,002.txt,mustafa,2019-03-14"]))

    d = root / "duplicate_doc_id"         # doc_id 001 twice
    good(d, 3)
    write(d / "metadata.csv", meta([*two, "001,002.txt,mustafa,2019-03-14"]))

    d = root / "bad_date"                 # 30/04/2015 is not ISO
    good(d)
    write(d / "metadata.csv", meta(["000,000.txt,khoja,30/04/2015", two[1]]))

    d = root / "date_precision"           # a month-only date marked as day
    good(d)
    write(d / "metadata.csv", meta(["000,000.txt,khoja,2015-04,day", two[1] + ",day"],
                                   header="doc_id,file,era,date,date_precision"))

    d = root / "missing_doc_id_column"    # the id column is called "id"
    good(d)
    write(d / "metadata.csv", meta(["000,000.txt,khoja", "001,001.txt,khoja"], header="id,file,era"))

    d = root / "missing_file_column"      # the file column is called "filename"
    good(d)
    write(d / "metadata.csv", meta(["000,000.txt,khoja", "001,001.txt,khoja"], header="doc_id,filename,era"))

    d = root / "metadata_fields"          # an unquoted comma adds a field
    good(d)
    write(d / "metadata.csv", meta(["000,000.txt,khoja,Washington, DC", "001,001.txt,khoja,Tehran"],
                                   header="doc_id,file,era,location"))

    d = root / "no_metadata"              # no metadata.csv at all
    good(d)

    d = root / "no_arabic"                # a warning, not an error
    good(d, 1)
    write(d / "001.txt", "The Coalition's president met the US envoy in Brussels.\n")
    write(d / "metadata.csv", meta(two))

    d = root / "many_problems"            # four problems, reported together
    good(d, 1)
    write(d / "001.txt", BODY_B.encode("cp1256"))
    write(d / "002.txt", b"")
    write(d / "metadata.csv", meta([two[0], "001,001.txt,khoja,2015-05-01", "001,002.txt,khoja,May 2015"]))


def encodings() -> None:
    d = HERE / "bom_crlf"                 # UTF-8 with BOM and CRLF line ends: loads
    shutil.rmtree(d, ignore_errors=True)
    write(d / "000.txt", codecs.BOM_UTF8 + BODY_A.replace("\n", "\r\n").encode("utf-8"))
    write(d / "001.txt", codecs.BOM_UTF16_LE + BODY_B.replace("\n", "\r\n").encode("utf-16-le"))
    write(d / "002.txt", codecs.BOM_UTF32_BE + BODY_C.encode("utf-32-be"))
    write(d / "metadata.csv", meta(["000,000.txt,khoja,2015-04-30", "001,001.txt,khoja,2015-05-01",
                                    "002,002.txt,khoja,2015-05-02"]))

    d = HERE / "html_controls"            # markup, entities, zero-width and bidi controls: kept
    shutil.rmtree(d, ignore_errors=True)
    write(d / "000.txt", (
        "<p>قال رئيس الائتلاف&nbsp;إن الحل سياسي &amp; لا عسكري.</p>\n"
        "<script>alert('x')</script> وأضاف أن\u200cالمبعوث\u200d الدولي سيزور دمشق.\n"
        "\u202bنص بين علامتي اتجاه\u202c و\u200fعلامة من اليمين\u200e إلى اليسار.\n"
        "<img src=x onerror=alert(1)> صورة من الاجتماع &#1575;&#x644;.\n"))
    write(d / "metadata.csv", meta(["000,000.txt,khoja,2015-04-30"]))


if __name__ == "__main__":
    clutter()
    bad()
    encodings()
