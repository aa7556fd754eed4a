"""The symptom checker's question table as the specification states it.

Tests compare the product with this, not with the product's own data.
"""

EMERGENCY_QUESTIONS = ["saddle_numbness", "bladder_bowel_change", "both_legs", "chest_pain"]
URGENT_QUESTIONS = [
    "leg_weakness",
    "fever",
    "weight_loss",
    "cancer_history",
    "serious_accident",
    "back_deformity",
    "night_pain",
    "upper_back",
]
GP_QUESTIONS = ["stops_daily_life", "recurrent", "worried"]
RED_FLAGS = EMERGENCY_QUESTIONS + URGENT_QUESTIONS
