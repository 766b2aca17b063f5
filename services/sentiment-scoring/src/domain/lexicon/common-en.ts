/**
 * Frequent English words that carry no sentiment, for splitting hashtags
 * (#customerservice, #neveragain) and collapsing elongations ("pleaseee").
 * Sentiment words come from the lexicon itself.
 */
// prettier-ignore
export const COMMON_ENGLISH_WORDS: readonly string[] = `
a about above after again against all almost alone along already also always am among an and another any anyone
anything anyway app apps are area around as ask asked asking at away back be because become been before behind being
believe below between both brand but buy by call called calling calls came can car card cards care case cause change
changed charge check checked come comes coming company could customer customers day days did do does doing done
door down during each early either else email end enough even ever every everyone everything example eye face fact
far feel few find first flight flights follow food for found from front full game games gave get gets getting give
given go goes going gone got group had half hand happen has have having he head hear her here herself high him
himself his home hotel hour hours house how i if in inside instead into is it its itself job just keep kept kind
knew know known last later least left less let life line little live long look looked looking lot made make makes
making man many may maybe me mean men might mind minute minutes moment money month months more morning most mother
move much must my myself name near need needed needs never new next night no none nor not nothing now number of off
office often oh old on once one only open or order ordered orders other our out outside over own page part past pay
people person phone place plan plans play point power put question quite rather read ready real really reason right
room run said same saw say says school second see seem seen self send sent service set she should show side since
site small so some someone something sometimes soon start started state still stop story such sure take taken talk
tell than that the their them themselves then there these they thing things think this those though thought three
through time times to today together told too took top toward try trying turn two under until up upon us use used
user using very wait want wanted was watch water way we week weeks well went were what when where whether which while
who whole whom whose why will with within without word work world would year years yet you your yourself
account airline airport bag baggage bank bill billing booking box broadband cable carrier cart checkout chat coffee
connection contract coverage credit crew data deal debit delivery desk device driver fee flight gate hold internet
laptop loan luggage mobile network offer package parcel password payment plan price pizza product queue refund
reservation restaurant router seat shipping shop signal store subscription support team ticket update upgrade wifi
app epic win fails fail thanks thank never again worst best ever customer service experience day life mood goals
monday weekend vibes happy sad love hate not my your our new old big little fun cool first last next more less
morning night travel trip holiday vacation summer winter friday sunday nothing again
`.trim().split(/\s+/);
