import type { CountryCode } from './phones'

// [display form, ASCII form used for usernames and emails]
type Name = readonly [string, string]

export interface Culture {
  key: string
  weight: number
  home: CountryCode | null // null: phone country picked at random
  given: readonly Name[]
  family: readonly Name[]
  languages: readonly string[]
}

// Realistic names in the scripts field teams actually type: Latin with diacritics (including
// Yoruba tone marks built from combining characters), Devanagari, Arabic, Ge'ez, Cyrillic.
// prettier-ignore
export const CULTURES: readonly Culture[] = [
  {
    key: 'kenya',
    weight: 22,
    home: 'KE',
    given: [
      ['Wanjiru', 'wanjiru'], ['Otieno', 'otieno'], ["Achieng'", 'achieng'], ['Kamau', 'kamau'],
      ['Njeri', 'njeri'], ['Mwangi', 'mwangi'], ['Chebet', 'chebet'], ['Kiprono', 'kiprono'],
      ['Akinyi', 'akinyi'], ['Ochieng', 'ochieng'], ['Wairimu', 'wairimu'], ['Kiptoo', 'kiptoo'],
    ],
    family: [
      ['Odhiambo', 'odhiambo'], ['Mutua', 'mutua'], ['Kariuki', 'kariuki'], ['Wafula', 'wafula'],
      ['Njoroge', 'njoroge'], ['Kipchoge', 'kipchoge'], ['Owino', 'owino'], ['Nyambura', 'nyambura'],
    ],
    languages: ['Kiswahili', 'Dholuo', 'Gikuyu', 'English'],
  },
  {
    key: 'india',
    weight: 18,
    home: 'IN',
    given: [
      ['प्रिया', 'priya'], ['राहुल', 'rahul'], ['सुनीता', 'sunita'], ['अमित', 'amit'],
      ['पूजा', 'pooja'], ['संजय', 'sanjay'], ['अनीता', 'anita'], ['विकास', 'vikas'],
      ['Priya', 'priya'], ['Lakshmi', 'lakshmi'], ['Deepak', 'deepak'],
    ],
    family: [
      ['शर्मा', 'sharma'], ['वर्मा', 'verma'], ['यादव', 'yadav'], ['सिंह', 'singh'],
      ['कुमारी', 'kumari'], ['पटेल', 'patel'], ['गुप्ता', 'gupta'], ['Devi', 'devi'],
    ],
    languages: ['हिन्दी', 'Bhojpuri', 'मराठी', 'English'],
  },
  {
    key: 'senegal',
    weight: 14,
    home: 'SN',
    given: [
      ['Aïcha', 'aicha'], ['Fatou', 'fatou'], ['Moussa', 'moussa'], ['Awa', 'awa'],
      ['Mamadou', 'mamadou'], ['Ndèye', 'ndeye'], ['Ousmane', 'ousmane'], ['Khady', 'khady'],
      ['Aminata', 'aminata'], ['Cheikh', 'cheikh'], ['Maïmouna', 'maimouna'],
    ],
    family: [
      ['Diop', 'diop'], ['Ndiaye', 'ndiaye'], ['Sow', 'sow'], ['Fall', 'fall'], ['Diallo', 'diallo'],
      ['Guèye', 'gueye'], ['Sène', 'sene'], ['Mbaye', 'mbaye'], ['Thiam', 'thiam'],
    ],
    languages: ['Wolof', 'Pulaar', 'Sérère', 'Français'],
  },
  {
    key: 'nigeria',
    weight: 12,
    home: 'NG',
    given: [
      ['Chukwuemeka', 'chukwuemeka'], ['Ngozi', 'ngozi'], ['Adébáyọ̀', 'adebayo'],
      ['Olúwaseun', 'oluwaseun'], ['Fúnmiláyọ̀', 'funmilayo'], ['Ibrahim', 'ibrahim'],
      ['Aisha', 'aisha'], ['Emeka', 'emeka'], ['Chiamaka', 'chiamaka'], ['Yusuf', 'yusuf'],
    ],
    family: [
      ['Okafor', 'okafor'], ['Adéyẹmí', 'adeyemi'], ['Bello', 'bello'], ['Okonkwo', 'okonkwo'],
      ['Ògúnlẹ́yẹ', 'ogunleye'], ['Abubakar', 'abubakar'], ['Eze', 'eze'], ['Nwosu', 'nwosu'],
    ],
    languages: ['Yorùbá', 'Igbo', 'Hausa', 'English'],
  },
  {
    key: 'haiti',
    weight: 8,
    home: 'HT',
    given: [
      ['Jean-Baptiste', 'jean-baptiste'], ['Wideline', 'wideline'], ['Mackenson', 'mackenson'],
      ['Rose-Merline', 'rose-merline'], ['Wisly', 'wisly'], ['Nadège', 'nadege'],
      ['Guerline', 'guerline'], ['Jean-Robert', 'jean-robert'],
    ],
    family: [
      ['Pierre', 'pierre'], ['Joseph', 'joseph'], ['Jean-Louis', 'jean-louis'],
      ['Étienne', 'etienne'], ['Desrosiers', 'desrosiers'], ['Célestin', 'celestin'],
      ['Dorélien', 'dorelien'],
    ],
    languages: ['Kreyòl', 'Français'],
  },
  {
    key: 'ethiopia',
    weight: 10,
    home: 'ET',
    given: [
      ['አበበ', 'abebe'], ['ትዕግሥት', 'tigist'], ['ሰላማዊት', 'selamawit'], ['ዳዊት', 'dawit'],
      ['መሰረት', 'meseret'], ['ዮናስ', 'yonas'], ['ሄኖክ', 'henok'], ['Hiwot', 'hiwot'],
    ],
    family: [
      ['በቀለ', 'bekele'], ['ታደሰ', 'tadesse'], ['ገብረመድህን', 'gebremedhin'],
      ['ወልደማርያም', 'woldemariam'], ['አለሙ', 'alemu'], ['Girma', 'girma'],
    ],
    languages: ['አማርኛ', 'Afaan Oromoo', 'ትግርኛ'],
  },
  {
    key: 'arabic',
    weight: 6,
    home: null,
    given: [
      ['فاطمة', 'fatima'], ['محمد', 'mohamed'], ['عائشة', 'aisha'], ['يوسف', 'youssef'],
      ['مريم', 'maryam'], ['عمر', 'omar'], ['خديجة', 'khadija'],
    ],
    family: [
      ['الحسن', 'alhassan'], ['بن علي', 'benali'], ['السيد', 'elsayed'], ['عبد الله', 'abdallah'],
      ['المنصوري', 'almansouri'],
    ],
    languages: ['العربية', 'Français'],
  },
  {
    key: 'cyrillic',
    weight: 4,
    home: null,
    given: [
      ['Ольга', 'olga'], ['Дмитрий', 'dmitry'], ['Наталья', 'natalya'], ['Алексей', 'aleksey'],
      ['Ирина', 'irina'],
    ],
    family: [
      ['Иванова', 'ivanova'], ['Петров', 'petrov'], ['Смирнова', 'smirnova'], ['Кузнецов', 'kuznetsov'],
    ],
    languages: ['Русский', 'English'],
  },
  {
    key: 'european',
    weight: 6,
    home: null,
    given: [
      ['Ingrid', 'ingrid'], ['Søren', 'soren'], ['Åsa', 'asa'], ['Zoë', 'zoe'],
      ['François', 'francois'], ['Łukasz', 'lukasz'], ['José', 'jose'], ['Chloé', 'chloe'],
    ],
    family: [
      ['Ødegård', 'odegard'], ['Müller', 'muller'], ['Núñez', 'nunez'], ['Åström', 'astrom'],
      ['Şahin', 'sahin'], ['García', 'garcia'], ['Nguyễn', 'nguyen'],
    ],
    languages: ['English', 'Español', 'Norsk'],
  },
]

export const GROUP_NAMES: readonly string[] = [
  'CHWs – Kisumu',
  'Équipe de Thiès',
  'Supervisors',
  'आशा कार्यकर्ता',
  'ቡድን ሀ',
  'Relais communautaires',
  'Супервайзеры',
  'Mobile clinic team',
  'فريق المتابعة',
  'Agents de santé – Saint-Louis',
  'Nutrition volunteers',
  'Ekip Sante Pòtoprens'
]

export const VILLAGES: readonly string[] = [
  'Kondele',
  'Nyalenda',
  'Médina',
  'Keur Massar',
  'Bolé',
  'Adama',
  'Patna',
  'Ikorodu',
  'Pétion-Ville',
  'Gonaïves',
  'Rusinga',
  'Ngor',
  'बसंतपुर',
  'ቀበሌ 05'
]
