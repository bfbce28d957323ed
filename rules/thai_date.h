// Thai dates, Buddhist-era years and fiscal years, read from normalised text
// (see NormalizeThai: Thai digits are already ASCII). Pure; thread-safe.
//
// Fiscal year N (BE) runs 1 October of BE N-1 to 30 September of BE N.
// BE = CE + 543.
#ifndef OITWATCH_RULES_THAI_DATE_H_
#define OITWATCH_RULES_THAI_DATE_H_

#include <string>
#include <string_view>
#include <vector>

namespace oitwatch {

struct DateMention {
  int year_be = 0;      // calendar year in BE (CE years are converted)
  int month = 0;        // 1-12, 0 if not given
  int day = 0;          // 1-31, 0 if not given
  int fiscal_year = 0;  // BE fiscal year: from the date if month known,
                        // else the year itself (a bare year names the FY)
  bool fiscal_marker = false;  // "ปีงบประมาณ", "ปีงบ", "ประจำปี", "FY" before it
  bool range_end = false;      // second half of "ต.ค. 67 - มี.ค. 68"
  size_t offset = 0;           // byte offset in the text
  std::string text;            // the matched text
};

// Finds dates and years in `text`: "15 มกราคม 2568", "15 ม.ค. 68", "ม.ค.68",
// "มกราคม 2568", "ปีงบประมาณ พ.ศ. 2568", "ปี 68", "FY2568", "2025-01-15",
// "15/01/2568", "ต.ค. 67 - มี.ค. 68", "1 ตุลาคม 2567 - 31 มีนาคม 2568",
// English months with CE years ("12.September2021"), and years in file names
// ("Action_Plan_2568.pdf", "ITA/2568/O05"). Two-digit years after a Thai
// month or "ปี" are BE 25yy. Four-digit numbers are years only within
// 2500-2600 (BE) or 1990-2100 (CE) and when not part of a longer number
// (phone numbers, amounts). Results are in text order.
std::vector<DateMention> FindDates(std::string_view normalized_text);

// BE fiscal year of a CE calendar date.
int FiscalYearOfCe(int year_ce, int month);

// Parses "YYYY-MM-DD" (CE). Returns false on anything else.
bool ParseIsoDate(std::string_view text, int* year, int* month, int* day);

// Parses an HTTP-date (RFC 9110 IMF-fixdate, also RFC 850 and asctime).
bool ParseHttpDate(std::string_view text, int* year, int* month, int* day);

// "ตุลาคม" for 10 (full Thai month name); "" outside 1-12.
const char* ThaiMonthName(int month);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_THAI_DATE_H_
