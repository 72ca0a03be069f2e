from nlu.when import When, combine_when, parse_when
