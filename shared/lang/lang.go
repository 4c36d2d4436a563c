// Package lang is the languages Upward writes to participants in: which
// they are, how a person's is chosen, and how dates read in each. The words
// of the emails themselves live with the emails (shared/mail); this package
// holds only what every part that speaks to participants shares.
package lang

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Tag is a language Upward writes, as its ISO 639-1 code.
type Tag string

// The languages Upward writes.
const (
	EN Tag = "en"
	DE Tag = "de"
	FR Tag = "fr"
	ES Tag = "es"
	IT Tag = "it"
	PT Tag = "pt"
	NL Tag = "nl"
)

// Default is the language of a programme that names none.
const Default = EN

// All lists the languages Upward writes, English first.
var All = []Tag{EN, DE, FR, ES, IT, PT, NL}

// info is what each language is called and how its dates read.
type info struct {
	name     string // in the language itself
	english  string
	aliases  []string // how people write it in enrolment files and replies
	weekdays [7]string
	months   [12]string
	// date lays out a weekday, day and month: "%[1]s %[2]s %[3]s";
	// longDate adds the year as %[4]d.
	date, longDate string
}

var langs = map[Tag]info{
	EN: {
		name: "English", english: "English",
		aliases:  []string{"english", "englisch", "anglais", "ingles", "inglese", "engels", "eng"},
		weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		months:   [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		date:     "%[1]s %[2]s %[3]s",
		longDate: "%[1]s %[2]s %[3]s %[4]d",
	},
	DE: {
		name: "Deutsch", english: "German",
		aliases:  []string{"german", "deutsch", "allemand", "aleman", "tedesco", "alemao", "duits", "deu", "ger"},
		weekdays: [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		months:   [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		date:     "%[1]s, %[2]s. %[3]s",
		longDate: "%[1]s, %[2]s. %[3]s %[4]d",
	},
	FR: {
		name: "Français", english: "French",
		aliases:  []string{"french", "francais", "franzosisch", "frances", "francese", "frans", "fra", "fre"},
		weekdays: [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		months:   [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		date:     "%[1]s %[2]s %[3]s",
		longDate: "%[1]s %[2]s %[3]s %[4]d",
	},
	ES: {
		name: "Español", english: "Spanish",
		aliases:  []string{"spanish", "espanol", "castellano", "spanisch", "espagnol", "spagnolo", "espanhol", "spaans", "spa"},
		weekdays: [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
		months:   [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		date:     "%[1]s %[2]s de %[3]s",
		longDate: "%[1]s %[2]s de %[3]s de %[4]d",
	},
	IT: {
		name: "Italiano", english: "Italian",
		aliases:  []string{"italian", "italiano", "italienisch", "italien", "italiaans", "ita"},
		weekdays: [7]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"},
		months:   [12]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
		date:     "%[1]s %[2]s %[3]s",
		longDate: "%[1]s %[2]s %[3]s %[4]d",
	},
	PT: {
		name: "Português", english: "Portuguese",
		aliases:  []string{"portuguese", "portugues", "portugiesisch", "portugais", "portoghese", "portugees", "por"},
		weekdays: [7]string{"domingo", "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado"},
		months:   [12]string{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
		date:     "%[1]s, %[2]s de %[3]s",
		longDate: "%[1]s, %[2]s de %[3]s de %[4]d",
	},
	NL: {
		name: "Nederlands", english: "Dutch",
		aliases:  []string{"dutch", "nederlands", "vlaams", "flemish", "niederlandisch", "neerlandais", "neerlandes", "olandese", "holandes", "nld", "dut"},
		weekdays: [7]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
		months:   [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
		date:     "%[1]s %[2]s %[3]s",
		longDate: "%[1]s %[2]s %[3]s %[4]d",
	},
}

// Parse reads a language as people write it: a code ("fr", "pt-BR",
// "nl_BE"), its own name ("Français") or another of the seven languages'
// name for it ("French", "Französisch"). It reports false for a language
// Upward does not write.
func Parse(s string) (Tag, bool) {
	s = fold(s)
	if s == "" {
		return "", false
	}
	if i := strings.IndexAny(s, "-_"); i == 2 {
		s = s[:2]
	}
	if _, ok := langs[Tag(s)]; ok {
		return Tag(s), true
	}
	for t, in := range langs {
		for _, a := range in.aliases {
			if s == a {
				return t, true
			}
		}
	}
	return "", false
}

// fold lower-cases and drops accents, so "Français" reads as "francais".
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		if r < 0x300 || r > 0x36f {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Valid reports whether Upward writes t.
func (t Tag) Valid() bool { _, ok := langs[t]; return ok }

// Or is t, or fallback when t is not a language Upward writes.
func (t Tag) Or(fallback Tag) Tag {
	if t.Valid() {
		return t
	}
	return fallback
}

// Name is the language in its own words ("Français").
func (t Tag) Name() string { return langs[t.Or(Default)].name }

// English is the language's English name ("French"), for coordinators.
func (t Tag) English() string { return langs[t.Or(Default)].english }

// Choose picks the language to write to a person in: the one they chose
// (an enrolment's language column, or LANGUAGE by reply), else the first
// of the languages they speak that Upward writes, else the programme's.
func Choose(chosen string, speaks []string, programme Tag) Tag {
	if t, ok := Parse(chosen); ok {
		return t
	}
	for _, s := range speaks {
		if t, ok := Parse(s); ok {
			return t
		}
	}
	return programme.Or(Default)
}

// Date writes a day as people read it in t: "Tuesday 19 January",
// "mardi 19 janvier", "Dienstag, 19. Januar".
func (t Tag) Date(d time.Time) string {
	in := langs[t.Or(Default)]
	return fmt.Sprintf(in.date, in.weekdays[d.Weekday()], t.day(d), in.months[d.Month()-1])
}

// day is the day of the month as the language writes it in a date: French
// writes the first "1er".
func (t Tag) day(d time.Time) string {
	if t == FR && d.Day() == 1 {
		return "1er"
	}
	return strconv.Itoa(d.Day())
}

// LongDate adds the year: "Tuesday 19 January 2027".
func (t Tag) LongDate(d time.Time) string {
	in := langs[t.Or(Default)]
	return fmt.Sprintf(in.longDate, in.weekdays[d.Weekday()], t.day(d), in.months[d.Month()-1], d.Year())
}

// Time writes a time of day the 24-hour way all seven languages' business
// mail uses: "09:30".
func (t Tag) Time(d time.Time) string { return d.Format("15:04") }
