// ChallengePage: whether a response is a bot challenge or captcha wall
// (Cloudflare "Just a moment...", "Attention Required!", a reCAPTCHA page)
// instead of the page that was asked for. The fetcher makes such a response
// `blocked` whatever its status: a WAF that answers 200 with a challenge
// says no more about the page than one that answers 403.
//
// The test is narrow on purpose: a real page that merely embeds a captcha
// (a contact form beside its text and menus) or Cloudflare's bot-detection
// script is not a challenge. Plain string scans, no parse.
// Thread-safe: plain functions of their arguments.
#ifndef OITWATCH_CRAWLER_CHALLENGE_PAGE_H_
#define OITWATCH_CRAWLER_CHALLENGE_PAGE_H_

#include <string>

namespace oitwatch {

// What a response said, for IsChallengePage.
struct ChallengeSigns {
  int status = 0;
  bool cf_mitigated = false;  // a "cf-mitigated: challenge" header came
  const std::string* content_type = nullptr;  // REQUIRES: non-null
  const std::string* body = nullptr;          // decoded; REQUIRES: non-null
};

// True if the response is a challenge or captcha wall:
// - any status with "cf-mitigated: challenge" (Cloudflare's own marker);
// - a 403/503 naming Cloudflare's challenge ("cf-chl", "Just a moment...",
//   "Attention Required! | Cloudflare");
// - a 2xx HTML body with at most a few links whose <title> is a
//   Cloudflare challenge's, or that runs Cloudflare's challenge
//   (_cf_chl_opt, challenge-platform/.../orchestrate), or that is a captcha
//   form (g-recaptcha, h-captcha, cf-turnstile) with little visible text
//   that asks for nothing but the captcha: a small contact page whose form
//   has a message box, or name, email or phone inputs, beside the widget is
//   a page.
bool IsChallengePage(const ChallengeSigns& response);

// The note a 2xx challenge gets in FetchResult::error (its status says
// the rest: "blocked HTTP 200").
std::string ChallengeNote();

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_CHALLENGE_PAGE_H_
