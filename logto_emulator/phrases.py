"""The emulator's sign-in pages in the user's language, as Logto picks it: the authorization
request's ``ui_locales`` first, then the browser's ``Accept-Language``. English and Traditional
Chinese (Logto's ``zh-TW``), the languages the account center ships."""

from __future__ import annotations

TRADITIONAL_CHINESE = "zh-TW"
_ZH_TW: dict[str, str] = {
    "Sign in": "登入",
    "Username, email or phone": "使用者名稱、電子郵件或電話號碼",
    "Password": "密碼",
    "Cancel": "取消",
    "Continue": "繼續",
    "2-step verification": "兩步驟驗證",
    "6-digit code from your authenticator app, or a backup code": "驗證器應用程式中的 6 位數驗證碼，或一組備用碼",
    "Invalid verification code.": "驗證碼無效。",
    "Incorrect account or password. Please check your input.": "帳號或密碼錯誤，請檢查您的輸入。",
    "This account is suspended.": "此帳號已被停權。",
    "Continue with Mock Social": "透過 Mock Social 繼續",
    "The social account has not been registered yet.": "此社群帳號尚未註冊。",
    "This is the Logto emulator, a development tool. It is not Logto.": "這是 Logto 模擬器，一個開發工具，並不是 Logto。",
}
_TABLES = {TRADITIONAL_CHINESE: _ZH_TW}


def _is_traditional_chinese(tag: str) -> bool:
    tag = tag.strip().lower().replace("_", "-")
    return tag.startswith("zh") and any(part in tag for part in ("hant", "-tw", "-hk", "-mo"))


def language(ui_locales: str | None, accept_language: str | None) -> str:
    """``"zh-TW"`` or ``"en"``: the first language asked for that the emulator speaks."""
    asked = (ui_locales or "").split()
    asked += [part.split(";")[0] for part in (accept_language or "").split(",")]
    for tag in asked:
        if _is_traditional_chinese(tag):
            return TRADITIONAL_CHINESE
        if tag.strip().lower().startswith("en"):
            return "en"
    return "en"


def say(lang: str, english: str) -> str:
    return _TABLES.get(lang, {}).get(english, english)
