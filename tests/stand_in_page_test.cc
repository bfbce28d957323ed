// StandInPage: an evidence URL answering with the home page (a redirect to
// the start URL, or its bytes) or a login form is not its page any more
// (red-team quirk 13, probes N5/N5b/N5c); a link to the home page itself is
// not touched, and a page with a login box beside its content is no login
// wall.
#include "app/stand_in_page.h"

#include <gtest/gtest.h>

#include <string>

#include "app/pipeline_internal.h"

namespace oitwatch {
namespace {

const char kHomeBody[] =
    "<html><head><title>สำนักงานเขตหลักสี่</title></head><body><h1>หน้าแรก</h1>"
    "<a href=\"/laksi/schools\">โรงเรียน</a></body></html>";
// The red team's login page: a title, a heading, a form, two menu links.
const char kLogin[] =
    "<!doctype html><html lang=\"th\"><head><meta charset=\"utf-8\"><title>"
    "เข้าสู่ระบบ - สำนักงานเขตหลักสี่</title></head><body><nav><a href=\"/laksi/"
    "\">หน้าหลัก</a> | <a href=\"/laksi/ita\">OIT</a></nav><main><h2>เข้าสู่ระบบ"
    "</h2><form>ชื่อผู้ใช้ รหัสผ่าน</form></main></body></html>";

HomePage Home() {
  FetchResult start;
  start.request.url = "http://h/laksi/";
  start.request.depth = 0;
  start.final_url = "https://h/laksi/";
  start.body = kHomeBody;
  HomePage home;
  NoteHomePage(start, "", -1, &home);
  return home;
}

FetchResult Answer(const std::string& url, const std::string& final_url,
                   const std::string& body) {
  FetchResult r;
  r.request.url = url;
  r.request.depth = 1;
  r.request.kind = RequestKind::kPage;
  r.final_url = final_url;
  r.content_type = "text/html; charset=utf-8";
  r.body = body;
  return r;
}

TEST(StandInPageTest, RedirectToTheStartUrlIsTheHomePage) {
  const FetchResult r = Answer("http://h/laksi/exec", "https://h/laksi/",
                               "<html><body>changed home</body></html>");
  EXPECT_EQ(StandInPage(r, Home()), "redirects to the home page https://h/laksi/");
}

TEST(StandInPageTest, HomePageBytesUnderAnotherUrlShowTheHomePage) {
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/schools", "", kHomeBody), Home()),
            "shows the home page");
}

TEST(StandInPageTest, StoredHashOfA304StartPageIsUsed) {
  FetchResult start;
  start.request.url = "http://h/laksi/";
  start.final_url = "http://h/laksi/";
  const std::string body = kHomeBody;
  for (int64_t stored_bytes : {static_cast<int64_t>(body.size()), int64_t{-1}}) {
    HomePage home;  // a 304: no body, the stored copy's hash (and size)
    NoteHomePage(start, pipeline_internal::ContentHash(body), stored_bytes,
                 &home);
    EXPECT_EQ(StandInPage(Answer("http://h/laksi/schools", "", body), home),
              "shows the home page")
        << stored_bytes;
  }
}

TEST(StandInPageTest, LinksToTheHomePageItselfAreNotTouched) {
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/", "http://h/laksi/", kHomeBody),
                        Home()),
            "");
  EXPECT_EQ(StandInPage(Answer("https://h/laksi/", "", kHomeBody), Home()), "");
}

TEST(StandInPageTest, OrdinaryPageIsItsOwnPage) {
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/schools", "",
                               "<html><body><h1>โรงเรียน</h1></body></html>"),
                        Home()),
            "");
}

TEST(StandInPageTest, LoginWallShowsALoginPage) {
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/structure", "", kLogin), Home()),
            "shows a login page");
  EXPECT_TRUE(IsLoginPage("<html><body><form><input name=u><input "
                          "type=\"password\" name=p></form></body></html>",
                          "text/html", "http://h/x"));
}

TEST(StandInPageTest, PageWithALoginBoxBesideItsContentIsNoLoginWall) {
  std::string menu;
  for (int i = 0; i < 15; ++i) {
    menu += "<a href=\"/laksi/p" + std::to_string(i) + "\">เมนู</a>";
  }
  const std::string page =
      "<html><head><title>โครงสร้างหน่วยงาน</title></head><body>" + menu +
      "<h1>แผนผังโครงสร้างสำนักงานเขต</h1><p>ผู้อำนวยการเขต ผู้ช่วยผู้อำนวยการเขต"
      "</p><form><input name=u><input type=password name=p>เข้าสู่ระบบ</form>"
      "</body></html>";
  EXPECT_FALSE(IsLoginPage(page, "text/html", "http://h/laksi/structure"));
  EXPECT_EQ(StandInPage(Answer("http://h/laksi/structure", "", page), Home()),
            "");
}

TEST(StandInPageTest, PdfRedirectedHomeIsNamedAsSuch) {
  FetchResult r = Answer("http://h/laksi/files/plan.pdf", "http://h/laksi/",
                         kHomeBody);
  r.request.kind = RequestKind::kDocument;
  EXPECT_EQ(UnusableAnswer(r, Home()),
            "redirects to the home page http://h/laksi/");
}

}  // namespace
}  // namespace oitwatch
