package replies

import "strings"

// Language guesses which of the seven languages a reply's words are in,
// from the short words every sentence has, so a "not understood" email can
// answer in the person's language. It says "" when the words are too few
// or the languages too close to tell.

var languageWords = map[string]string{
	"en": "the and i we you it was is to of in on for with my but not yet met have had very great this that she he our yes no hi hello dear thanks regards best cheers",
	"de": "und ich wir sie es war ist nicht noch der die das ein eine mit uns haben hatten sehr gut aber auch ja nein getroffen wie zu hallo liebe grusse danke viele",
	"fr": "et je nous vous il elle est etait pas le la les un une des avec de du tres bien mais oui non avons on s'est pour bonjour merci cordialement salut",
	"es": "y yo nosotros ella el es fue no todavia la los las un una con de muy bien pero si nos hemos para que hola gracias saludos",
	"it": "e io noi lei lui era non ancora il lo la gli un una con di molto bene ma si ci siamo abbiamo per che ciao buongiorno grazie saluti",
	"pt": "e eu nos ela ele foi nao ainda o a os as um uma com de muito bem mas sim nos para que tivemos ola obrigado obrigada abracos",
	"nl": "en ik wij we zij het was is niet nog de een met van heel goed maar ook ja nee hebben elkaar voor dat beste groet hoi bedankt groeten",
}

var languageIndex = func() map[string][]string {
	idx := map[string][]string{}
	for lang, words := range languageWords {
		for _, w := range strings.Fields(words) {
			idx[w] = append(idx[w], lang)
		}
	}
	return idx
}()

// maxLanguageWords bounds the words looked at: the first ones tell.
const maxLanguageWords = 200

// detectLanguage reads folded text.
func detectLanguage(s string) string {
	score := map[string]int{}
	n := 0
	words(s, maxLanguageWords, func(start, end int) bool {
		n++
		for _, lang := range languageIndex[s[start:end]] {
			score[lang]++
		}
		return true
	})
	best, second := "", 0
	for _, lang := range []string{"en", "de", "fr", "es", "it", "pt", "nl"} {
		switch v := score[lang]; {
		case best == "" || v > score[best]:
			if best != "" {
				second = score[best]
			}
			best = lang
		case v > second:
			second = v
		}
	}
	if best == "" || score[best] < 2 || score[best] == second {
		return ""
	}
	return best
}
